package org.instructforge.web.dataset.importing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A large file goes through the parser a line at a time: the parser never reads far ahead of what it returned. */
class StreamingImportTest {

    private static final int LINES = 100_000;

    private static String line(long i) {
        if (i % 10_000 == 0) {
            return "{\"prompt\": \"broken"; // a bad line every 10,000, to check numbering far into the file
        }
        return "{\"prompt\": \"Prompt number " + i + ": explain why the sky is blue.\", \"user_id\": \"user-"
                + (i % 977) + "\", \"category\": \"open qa\", \"metadata\": {\"row\": " + i + "}}";
    }

    @Test
    void streamsAHundredThousandLinesHoldingNoMoreThanOneReadBufferAhead() {
        var file = new Imports.GeneratedLines(LINES, StreamingImportTest::line);
        long parsed = 0;
        long bad = 0;
        long expectedLine = 1;
        long maxAhead = 0;
        try (var parser = PromptFileParser.open(file, ImportFormat.JSONL, ImportLimits.defaults())) {
            assertThat(file.produced())
                    .as("nothing is read before the first result is asked for")
                    .isZero();
            while (parser.hasNext()) {
                LineResult result = parser.next();
                assertThat(result.lineNumber()).isEqualTo(expectedLine++);
                // What the stream has handed out beyond the lines returned sits in the read buffer, nowhere else.
                maxAhead = Math.max(maxAhead, file.produced() - parser.bytesRead());
                if (result instanceof LineResult.Bad b) {
                    assertThat(b.lineNumber() % 10_000).isZero();
                    bad++;
                } else {
                    parsed++;
                }
            }
            assertThat(parser.bytesRead()).isEqualTo(file.produced());
        }
        assertThat(parsed).isEqualTo(LINES - 10);
        assertThat(bad).isEqualTo(10);
        assertThat(maxAhead).isLessThanOrEqualTo(LineReader.READ_BUFFER_BYTES);
    }

    @Test
    void returnsTheFirstResultAfterReadingOnlyTheStartOfTheFile() {
        var file = new Imports.GeneratedLines(LINES, StreamingImportTest::line);
        try (var parser = PromptFileParser.open(file, ImportFormat.JSONL, ImportLimits.defaults())) {
            LineResult first = parser.next();

            assertThat(first).isInstanceOf(LineResult.Parsed.class);
            assertThat(file.produced()).isLessThanOrEqualTo(LineReader.READ_BUFFER_BYTES);
            assertThat(parser.bytesRead()).isEqualTo(line(1).length() + 1);
        }
    }

    @Test
    void streamsCsvTheSameWay() {
        var file = new Imports.GeneratedLines(
                LINES, i -> i == 1 ? "prompt,user_id,category" : "\"Prompt " + i + ", with a comma\",u" + i + ",chat");
        long parsed = 0;
        long maxAhead = 0;
        try (var parser = PromptFileParser.open(file, ImportFormat.CSV, ImportLimits.defaults())) {
            while (parser.hasNext()) {
                assertThat(parser.next()).isInstanceOf(LineResult.Parsed.class);
                parsed++;
                maxAhead = Math.max(maxAhead, file.produced() - parser.bytesRead());
            }
        }
        assertThat(parsed).isEqualTo(LINES - 1);
        assertThat(maxAhead).isLessThanOrEqualTo(LineReader.READ_BUFFER_BYTES);
    }
}
