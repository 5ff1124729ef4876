package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Where the test checkpoints live, and small conversions between JSON, Java arrays and NDArrays. */
final class ModelFixtures {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SHARED_FIXTURE = "shared/fixtures/hf-gpt2-tiny";

    private ModelFixtures() {}

    /**
     * The Hugging Face-written tiny GPT-2: {@code shared/fixtures/hf-gpt2-tiny} found by walking up from the
     * working directory (the repo's {@code ../shared}, which CI lays beside the clone).
     */
    static Path hfGpt2Tiny() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SHARED_FIXTURE);
            if (Files.isRegularFile(candidate.resolve("model.safetensors"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("The Hugging Face fixture " + SHARED_FIXTURE + " was not found above "
                + Path.of("").toAbsolutePath() + ": it lives in the shared folder beside the repository");
    }

    /** A seeded 2-layer, 4-head, 16-wide checkpoint made by src/test/python/gpt2_reference.py make-random. */
    static Path randomMultiHead() {
        return resource("gpt2-random-mh");
    }

    static JsonNode json(Path file) {
        return JSON.readTree(file.toFile());
    }

    static Path resource(String name) {
        try {
            return Path.of(ModelFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Missing test resource " + name, e);
        }
    }

    static long[][] longMatrix(JsonNode node) {
        long[][] out = new long[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[node.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = node.get(i).get(j).asLong();
            }
        }
        return out;
    }

    /** Value of a (B, T, V) array at [b][t][v] from a flat float[] of its data. */
    static float at(float[] flat, NDArray shapeOf, long b, long t, long v) {
        long tSize = shapeOf.getShape().get(1);
        long vSize = shapeOf.getShape().get(2);
        return flat[(int) ((b * tSize + t) * vSize + v)];
    }

    /** Logits (B, T, V) of a reference case's input_ids, with its attention mask and (optionally) position ids. */
    static NDArray logits(CausalLm model, NDManager manager, JsonNode c, boolean explicitPositions) {
        NDArray ids = manager.create(longMatrix(c.get("input_ids")));
        NDArray mask = c.has("attention_mask") ? manager.create(longMatrix(c.get("attention_mask"))) : null;
        NDArray positions =
                explicitPositions && c.has("position_ids") ? manager.create(longMatrix(c.get("position_ids"))) : null;
        return model.logits(model.forward(ids, mask, positions, null).hidden());
    }

    static float[][][] toNested(NDArray a) {
        float[] flat = a.toFloatArray();
        int b = (int) a.getShape().get(0);
        int t = (int) a.getShape().get(1);
        int v = (int) a.getShape().get(2);
        float[][][] out = new float[b][t][v];
        for (int i = 0; i < flat.length; i++) {
            out[i / (t * v)][(i / v) % t][i % v] = flat[i];
        }
        return out;
    }

    static JsonNode safetensorsHeader(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }

    /** Tensor names of a safetensors header. */
    static List<String> names(JsonNode header) {
        List<String> names = new ArrayList<>(header.propertyNames());
        names.remove("__metadata__");
        return names;
    }

    /** A script of src/test/python, found by walking up from the working directory; null when absent. */
    static Path pythonScript(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("src/test/python/" + name);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Debian's /usr/bin/python3 with torch (the reference scripts' interpreter) is installed. */
    static boolean pythonWithTorch() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** Runs {@code script check-saved modelDir casesJson}: the reference must reproduce the Java logits. */
    static void assertReferenceAgrees(Path script, Path modelDir, Path casesJson) throws Exception {
        Process check = new ProcessBuilder(
                        PYTHON, script.toString(), "check-saved", modelDir.toString(), casesJson.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    /** Logits equal the reference case's (1e-4) wherever the attention mask marks a real token. */
    static void assertMatchesOnRealTokens(JsonNode c, NDArray logits) {
        float[] flat = logits.toFloatArray();
        JsonNode expected = c.get("logits");
        long[][] mask = c.has("attention_mask") ? longMatrix(c.get("attention_mask")) : null;
        for (int b = 0; b < expected.size(); b++) {
            for (int t = 0; t < expected.get(b).size(); t++) {
                if (mask != null && mask[b][t] == 0) {
                    continue; // a padding position's output is never used
                }
                for (int v = 0; v < expected.get(b).get(t).size(); v++) {
                    assertThat(at(flat, logits, b, t, v))
                            .as("%s [%d,%d,%d]", c.get("name"), b, t, v)
                            .isCloseTo((float) expected.get(b).get(t).get(v).asDouble(), within(1e-4f));
                }
            }
        }
    }
}
