package org.instructforge.web.dataset.importing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * Lines per second through {@link PromptFileParser} for 100,000 generated lines, held in memory so that the figure
 * is the parser's and not the disk's. Not a test: timings belong here, not in assertions (STYLE.md).
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:<jackson jars>
 * org.instructforge.web.dataset.importing.ImportParseBenchmark}
 */
public final class ImportParseBenchmark {

    private static final int LINES = 100_000;
    private static final int WARMUP_ROUNDS = 5;
    private static final int ROUNDS = 10;

    private static final String PARAGRAPH = "Explain to a curious ten-year-old why the sky looks blue during the day"
            + " but red and orange at sunset, and mention what this has to do with the size of air molecules.";

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("streamed")) {
            streamed(Long.parseLong(args[1]));
            return;
        }
        byte[] jsonl = generate(i -> "{\"prompt\": \"" + i + ". " + PARAGRAPH + "\", \"user_id\": \"user-" + (i % 977)
                + "\", \"category\": \"open qa\", \"source\": \"customer\", \"metadata\": {\"batch\": 7, \"row\": " + i
                + "}}");
        byte[] chat = generate(i -> "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi, I have a question.\"},"
                + " {\"role\": \"assistant\", \"content\": \"Sure, go ahead.\"}, {\"role\": \"user\", \"content\": \""
                + i + ". " + PARAGRAPH + "\"}], \"user_id\": \"user-" + (i % 977) + "\", \"category\": \"chat\"}");
        byte[] csv = generate(i -> i == 1
                ? "prompt,user_id,category,source,metadata"
                : "\"" + i + ". " + PARAGRAPH + "\",user-" + (i % 977) + ",open qa,customer,\"{\"\"batch\"\": 7}\"");

        System.out.printf(
                Locale.ROOT,
                "Java %s, %d processors%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        run("JSONL plain prompts", jsonl, ImportFormat.JSONL);
        run("JSONL chat messages", chat, ImportFormat.JSONL);
        run("CSV", csv, ImportFormat.CSV);
    }

    private static void run(String name, byte[] file, ImportFormat format) {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            parseAll(file, format);
        }
        double[] seconds = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            long parsed = parseAll(file, format);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            if (parsed < LINES - 1) {
                throw new IllegalStateException(name + ": only " + parsed + " lines parsed");
            }
        }
        Arrays.sort(seconds);
        double median = seconds[ROUNDS / 2];
        System.out.printf(
                Locale.ROOT,
                "%-20s %,d lines, %5.1f MB: median %6.3f s = %,10.0f lines/s (%5.1f MB/s); best %,10.0f lines/s%n",
                name,
                LINES,
                file.length / 1e6,
                median,
                LINES / median,
                file.length / 1e6 / median,
                LINES / seconds[0]);
    }

    /**
     * Parses {@code lines} lines made on the fly, never held as a file: run it with a small heap ({@code -Xmx16m})
     * to see that memory does not grow with the file.
     */
    private static void streamed(long lines) {
        var file = new Imports.GeneratedLines(
                lines,
                i -> "{\"prompt\": \"" + i + ". " + PARAGRAPH + "\", \"user_id\": \"user-" + (i % 977)
                        + "\", \"category\": \"open qa\"}");
        long start = System.nanoTime();
        long parsed = 0;
        try (var parser = PromptFileParser.open(file, ImportFormat.JSONL, ImportLimits.defaults())) {
            while (parser.hasNext()) {
                if (parser.next() instanceof LineResult.Parsed) {
                    parsed++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "streamed %,d lines (%,.0f MB) in %.2f s = %,.0f lines/s with -Xmx%d MB%n",
                parsed,
                file.produced() / 1e6,
                seconds,
                parsed / seconds,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static long parseAll(byte[] file, ImportFormat format) {
        long parsed = 0;
        try (var parser = PromptFileParser.open(new ByteArrayInputStream(file), format, ImportLimits.defaults())) {
            while (parser.hasNext()) {
                if (parser.next() instanceof LineResult.Parsed) {
                    parsed++;
                }
            }
        }
        return parsed;
    }

    private static byte[] generate(LongFunction<String> line) {
        var out = new ByteArrayOutputStream();
        for (long i = 1; i <= LINES; i++) {
            out.writeBytes((line.apply(i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
