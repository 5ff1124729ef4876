package org.instructforge.training.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small reader/writer for the safetensors format (8-byte little-endian header length, JSON header of
 * {@code name -> {dtype, shape, data_offsets}}, then raw little-endian tensor bytes).
 *
 * <p>Why not DJL's {@code NDList.decode}: BF16 NDArrays abort the JVM on the PyTorch engine, so half-precision
 * tensors are widened to float32 here, bit-wise, before any NDArray exists. F16 and BF16 widen exactly. Files are
 * written in F32, which is what training needs and what transformers loads.
 */
public final class Safetensors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A tensor widened to float32; {@code dtype} records what the file held. */
    public record Tensor(String dtype, long[] shape, float[] data) {}

    private Safetensors() {}

    /** Reads every tensor of a file as float32, keyed by name in file order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > 100_000_000L || 8 + headerLength > ch.size()) {
                throw new IOException("Not a safetensors file (header length " + headerLength + "): " + file);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(ch, headerBytes, 8);
            JsonNode header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode info = e.getValue();
                String dtype = info.get("dtype").asString();
                long[] shape = new long[info.get("shape").size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = info.get("shape").get(i).asLong();
                    count *= shape[i];
                }
                long start = info.get("data_offsets").get(0).asLong();
                long end = info.get("data_offsets").get(1).asLong();
                if (end - start != count * bytesPerElement(dtype) || dataStart + end > ch.size()) {
                    throw new IOException("Tensor " + e.getKey() + " has inconsistent offsets in " + file);
                }
                // One mapping per tensor keeps each under the 2 GiB limit of a MappedByteBuffer.
                MappedByteBuffer bytes = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + start, end - start);
                bytes.order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(e.getKey(), new Tensor(dtype, shape, toFloats(bytes, dtype, (int) count)));
            }
            return tensors;
        }
    }

    /** Writes F32 tensors, names sorted, {@code __metadata__ {"format": "pt"}} as transformers expects. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + 4L * t.data().length);
            offset += 4L * t.data().length;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        // Pad the header with spaces to a multiple of 8 so the tensor data is aligned (as the reference writer does).
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(prefix.array());
            for (Tensor t : sorted.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.data());
                out.write(data.array());
            }
        }
    }

    private static int bytesPerElement(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("Unsupported safetensors dtype " + dtype);
        };
    }

    private static float[] toFloats(ByteBuffer bytes, String dtype, int count) {
        float[] out = new float[count];
        switch (dtype) {
            case "F32" -> bytes.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(bytes.getShort(2 * i));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = bfloat16ToFloat(bytes.getShort(2 * i));
                }
            }
            default -> throw new IllegalArgumentException("Unsupported safetensors dtype " + dtype);
        }
        return out;
    }

    /** BF16 is the top half of an IEEE float32: shift the bits back into place. */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** IEEE 754 binary16 to float32 (Java 17 has no Float.float16ToFloat): 1 sign, 5 exponent, 10 mantissa bits. */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("Unexpected end of file");
            }
        }
    }
}
