package org.instructforge.web.dataset.importing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Test helpers: parse a whole small file, and a stream that makes its lines only when read. */
final class Imports {

    private Imports() {}

    static List<LineResult> parse(ImportFormat format, String content) {
        return parse(format, content.getBytes(StandardCharsets.UTF_8), ImportLimits.defaults());
    }

    static List<LineResult> parse(ImportFormat format, byte[] content, ImportLimits limits) {
        List<LineResult> results = new ArrayList<>();
        try (var parser = PromptFileParser.open(new ByteArrayInputStream(content), format, limits)) {
            parser.forEachRemaining(results::add);
        }
        return results;
    }

    static ImportedPrompt onlyPrompt(ImportFormat format, String content) {
        List<LineResult> results = parse(format, content);
        if (results.size() != 1 || !(results.get(0) instanceof LineResult.Parsed parsed)) {
            throw new AssertionError("expected one parsed prompt, got " + results);
        }
        return parsed.prompt();
    }

    static LineResult.Bad onlyBad(ImportFormat format, String content) {
        List<LineResult> results = parse(format, content);
        if (results.size() != 1 || !(results.get(0) instanceof LineResult.Bad bad)) {
            throw new AssertionError("expected one bad line, got " + results);
        }
        return bad;
    }

    /** Concatenates byte arrays, for files with invalid UTF-8 in them. */
    static byte[] bytes(Object... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) part;
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /**
     * Produces line {@code i} (1-based, newline appended) only when the reader gets to it, and counts the bytes
     * handed out: a parser that buffered the file would show up as {@link #produced()} running ahead.
     */
    static final class GeneratedLines extends InputStream {
        private final long lineCount;
        private final LongFunction<String> line;
        private long nextLine = 1;
        private byte[] current = new byte[0];
        private int position;
        private long produced;

        GeneratedLines(long lineCount, LongFunction<String> line) {
            this.lineCount = lineCount;
            this.line = line;
        }

        long produced() {
            return produced;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == current.length) {
                if (nextLine > lineCount) {
                    return -1;
                }
                current = (line.apply(nextLine++) + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            produced += n;
            return n;
        }
    }
}
