package org.instructforge.web.dataset.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.importing.Imports.bytes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<LineReader.Line> read(byte[] content, int maxLineBytes) throws IOException {
        List<LineReader.Line> lines = new ArrayList<>();
        try (var reader = new LineReader(new ByteArrayInputStream(content), maxLineBytes)) {
            for (var line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static List<LineReader.Line> read(String content) throws IOException {
        return read(bytes(content), 1 << 20);
    }

    @Test
    void readsLfAndCrlfLinesAlike() throws IOException {
        assertThat(read("a\nb\r\nc")).extracting(LineReader.Line::text).containsExactly("a", "b", "c");
    }

    @Test
    void finalLineEndingDoesNotStartAnotherLine() throws IOException {
        assertThat(read("a\n")).extracting(LineReader.Line::text).containsExactly("a");
        assertThat(read("a\r\n")).extracting(LineReader.Line::text).containsExactly("a");
        assertThat(read("a\n\n")).extracting(LineReader.Line::text).containsExactly("a", "");
        assertThat(read("")).isEmpty();
    }

    @Test
    void keepsCarriageReturnThatDoesNotEndALine() throws IOException {
        assertThat(read("a\rb\n")).extracting(LineReader.Line::text).containsExactly("a\rb");
    }

    @Test
    void skipsByteOrderMarkOnlyAtTheStartOfTheFile() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        assertThat(read(bytes(bom, "a\n", bom, "b\n"), 100))
                .extracting(LineReader.Line::text)
                .containsExactly("a", "\uFEFFb");
    }

    @Test
    void reportsInvalidUtf8WithItsByteOffsetAndReadsOn() throws IOException {
        // "é" is C3 A9; a lone C3 followed by "x" is malformed at offset 3 of "abc?x".
        List<LineReader.Line> lines = read(bytes("ok\n", "abc", new byte[] {(byte) 0xC3}, "x\n", "fine é\n"), 100);

        assertThat(lines)
                .extracting(LineReader.Line::problem)
                .containsExactly(null, "not valid UTF-8 (byte offset 3)", null);
        assertThat(lines.get(1).number()).isEqualTo(2);
        assertThat(lines.get(1).text()).isEqualTo("abc\uFFFDx");
        assertThat(lines.get(2).text()).isEqualTo("fine é");
    }

    @Test
    void rejectsOverlongEncodingsEncodedSurrogatesAndTruncatedSequences() throws IOException {
        byte[] overlongSlash = {(byte) 0xC0, (byte) 0xAF};
        byte[] encodedSurrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        byte[] truncatedEuro = {(byte) 0xE2, (byte) 0x82};
        List<LineReader.Line> lines =
                read(bytes(overlongSlash, "\n", "a", encodedSurrogate, "\n", "ab", truncatedEuro, "\n"), 100);

        assertThat(lines)
                .extracting(LineReader.Line::problem)
                .containsExactly(
                        "not valid UTF-8 (byte offset 0)",
                        "not valid UTF-8 (byte offset 1)",
                        "not valid UTF-8 (byte offset 2)");
    }

    @Test
    void keepsALineOfExactlyTheLimitAndRejectsOneByteMore() throws IOException {
        String atLimit = "x".repeat(10);
        List<LineReader.Line> lines = read(bytes(atLimit, "\r\n", atLimit, "y\n", atLimit), 10);

        assertThat(lines).extracting(LineReader.Line::text).containsExactly(atLimit, null, atLimit);
        assertThat(lines.get(1).problem()).isEqualTo("line is 11 bytes, over the limit of 10 bytes");
    }

    @Test
    void skipsAnOverlongLineWithoutStoringIt() throws IOException {
        int maxLineBytes = 1024;
        long hugeLine = 8L << 20; // 8 MiB without a line ending
        var stream = new Imports.GeneratedLines(3, i -> i == 2 ? "z".repeat((int) hugeLine) : "line " + i);
        try (var reader = new LineReader(stream, maxLineBytes)) {
            assertThat(reader.next().text()).isEqualTo("line 1");

            LineReader.Line tooLong = reader.next();
            assertThat(tooLong.number()).isEqualTo(2);
            assertThat(tooLong.text()).isNull();
            assertThat(tooLong.problem()).isEqualTo("line is 8,388,608 bytes, over the limit of 1,024 bytes");

            assertThat(reader.next().text()).isEqualTo("line 3");
            assertThat(reader.next()).isNull();
            // The line buffer never grew past the limit (plus one byte for a CR), although the line was 8 MiB.
            assertThat(reader.lineBufferCapacity()).isLessThanOrEqualTo(maxLineBytes + 1);
        }
    }

    @Test
    void countsConsumedBytesLineByLineIncludingLineEndingsAndBom() throws IOException {
        byte[] content = bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "ab\r\n", "c\n", "def");
        try (var reader = new LineReader(new ByteArrayInputStream(content), 100)) {
            assertThat(reader.bytesConsumed()).isZero();
            reader.next();
            assertThat(reader.bytesConsumed()).isEqualTo(3 + 4);
            reader.next();
            assertThat(reader.bytesConsumed()).isEqualTo(3 + 4 + 2);
            reader.next();
            assertThat(reader.bytesConsumed()).isEqualTo(content.length);
            assertThat(reader.next()).isNull();
        }
    }
}
