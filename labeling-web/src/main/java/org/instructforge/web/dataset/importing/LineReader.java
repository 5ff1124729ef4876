package org.instructforge.web.dataset.importing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits a byte stream into lines and decodes each as strict UTF-8, holding at most one line in memory.
 *
 * <p>Lines end at {@code \n}; a {@code \r} just before it is dropped, so CRLF files read the same. A final line
 * ending is not followed by another line ({@code "a\n"} is one line, {@code "a\n\n"} two, the second empty). A UTF-8
 * byte order mark at the very start is skipped. A line longer than the limit is counted and skipped without being
 * stored, so a file without line endings cannot exhaust the heap. Bytes are read by lines rather than through a
 * {@code Reader} so that the decoder can report invalid UTF-8 on its own line and go on with the next one.
 */
public final class LineReader implements Closeable {

    /** Bytes read from the stream at once; the most the reader is ever ahead of the lines it returned. */
    static final int READ_BUFFER_BYTES = 64 * 1024;

    private static final int FIRST_LINE_BUFFER_BYTES = 4 * 1024;

    /**
     * One line of the file.
     *
     * @param text the decoded line without its ending; invalid UTF-8 replaced by U+FFFD (so a CSV reader can still
     *     follow quotes); null when the line was too long to keep
     * @param problem why the line is unusable (not UTF-8, too long), or null
     */
    public record Line(long number, String text, String problem) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
    private int readPosition;
    private int readLimit;
    private boolean endOfStream;

    // Grows up to maxLineBytes + 1 (room for the \r of a CRLF) and is reused for every line.
    private byte[] lineBytes;
    private int lineLength;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(FIRST_LINE_BUFFER_BYTES);

    private long lineNumber;
    private long bytesConsumed;

    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.lineBytes = new byte[Math.min(FIRST_LINE_BUFFER_BYTES, maxLineBytes + 1)];
    }

    /** @return the next line, or null at the end of the stream */
    public Line next() throws IOException {
        lineLength = 0;
        long bytesInLine = 0; // all of them, also those of a line too long to keep
        boolean tooLong = false;
        boolean sawLineEnd = false;
        while (!sawLineEnd) {
            if (readPosition == readLimit && !fill()) {
                if (bytesInLine == 0) {
                    return null; // nothing after the last line ending: not a line
                }
                break; // last line without a line ending
            }
            int end = indexOfNewline(readBuffer, readPosition, readLimit);
            sawLineEnd = end < readLimit;
            int chunk = end - readPosition;
            bytesInLine += chunk;
            if (!tooLong) {
                if (lineLength + chunk > maxLineBytes + 1) {
                    tooLong = true; // stop storing; keep counting to the line ending
                } else {
                    append(readBuffer, readPosition, chunk);
                }
            }
            int consumed = chunk + (sawLineEnd ? 1 : 0);
            readPosition += consumed;
            bytesConsumed += consumed;
        }
        lineNumber++;
        boolean crlf = !tooLong && lineLength > 0 && lineBytes[lineLength - 1] == '\r';
        if (crlf) {
            lineLength--;
            bytesInLine--;
        }
        if (tooLong || lineLength > maxLineBytes) {
            return new Line(
                    lineNumber,
                    null,
                    String.format(
                            Locale.ROOT, "line is %,d bytes, over the limit of %,d bytes", bytesInLine, maxLineBytes));
        }
        return decode();
    }

    /** Bytes of the stream taken up by the lines returned so far, line endings included: the import's progress. */
    long bytesConsumed() {
        return bytesConsumed;
    }

    /** The line buffer's size, for tests that check a long line is not stored. */
    int lineBufferCapacity() {
        return lineBytes.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private Line decode() {
        int start = lineNumber == 1 && startsWithByteOrderMark() ? 3 : 0;
        ByteBuffer input = ByteBuffer.wrap(lineBytes, start, lineLength - start);
        if (chars.capacity() < lineLength) {
            chars = CharBuffer.allocate(Math.max(lineLength, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        CoderResult result = decoder.decode(input, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            // The position is where the malformed sequence starts, counted from the start of the line in the file.
            String problem = "not valid UTF-8 (byte offset " + input.position() + ")";
            String lenient = new String(lineBytes, start, lineLength - start, StandardCharsets.UTF_8);
            return new Line(lineNumber, lenient, problem);
        }
        chars.flip();
        return new Line(lineNumber, chars.toString(), null);
    }

    private boolean startsWithByteOrderMark() {
        return lineLength >= 3
                && lineBytes[0] == (byte) 0xEF
                && lineBytes[1] == (byte) 0xBB
                && lineBytes[2] == (byte) 0xBF;
    }

    private void append(byte[] source, int offset, int length) {
        if (lineLength + length > lineBytes.length) {
            int capacity = Math.max(lineLength + length, Math.min(lineBytes.length * 2, maxLineBytes + 1));
            lineBytes = Arrays.copyOf(lineBytes, capacity);
        }
        System.arraycopy(source, offset, lineBytes, lineLength, length);
        lineLength += length;
    }

    private boolean fill() throws IOException {
        if (endOfStream) {
            return false;
        }
        int n;
        do {
            n = in.read(readBuffer, 0, readBuffer.length);
        } while (n == 0);
        if (n < 0) {
            endOfStream = true;
            return false;
        }
        readPosition = 0;
        readLimit = n;
        return true;
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return to;
    }
}
