package org.instructforge.web.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.instructforge.web.LabelingWebApplication;
import org.instructforge.web.dataset.DatasetSettings;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.importing.ImportFormat;
import org.instructforge.web.dataset.importing.ImportStatus;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.springframework.boot.builder.SpringApplicationBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Import + dedup + PII scan of generated prompts, end to end on the real importer and a fresh embedded
 * PostgreSQL: prompts per second and peak memory, for several file sizes (memory must stay flat).
 * Run with {@code ./forge bench import}; sizes as arguments (default 25000 100000).
 */
public final class ImportBenchmark {

    private static final String[] TEMPLATES = {
        "Write a short poem about %s and %s.",
        "Explain to a %d-year-old why %s happens.",
        "Summarise the following in one sentence: %s met %s at the station after %d years.",
        "List %d ideas for a birthday party themed around %s.",
        "Translate 'good morning, %s' into French and Spanish.",
        "What is %d plus %d? Show your steps.",
        "Rewrite this email politely: send me the %s report by %s.",
        "Classify the sentiment of: 'the %s was %s'.",
    };
    private static final String[] WORDS = {
        "the sea",
        "autumn",
        "a lighthouse",
        "coffee",
        "trains",
        "the moon",
        "a cat",
        "rain",
        "mountains",
        "bread",
        "music",
        "rivers",
        "clouds",
        "a library",
        "snow",
        "volcanoes",
        "bees",
        "gardens",
        "Tuesday",
        "quarterly",
        "budget",
        "service",
        "slow",
        "wonderful",
        "terrible"
    };
    private static final String[] PII = {
        " You can reach me at %s.%d@example.com.", " Call me on +1 415 555 %04d.", " My card is 4111 1111 1111 1111.",
    };

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0
                ? List.of(25_000, 100_000)
                : java.util.Arrays.stream(args).map(Integer::parseInt).toList();
        System.setProperty("instructforge.database.embedded.data-dir", "");
        System.setProperty("instructforge.database.embedded.port", "0");
        var context = new SpringApplicationBuilder(LabelingWebApplication.class)
                .logStartupInfo(false)
                // The full app (its security needs the web layer) on a free port; nothing calls it.
                .run("--server.port=0", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        Datasets datasets = context.getBean(Datasets.class);
        PromptImporter importer = context.getBean(PromptImporter.class);
        System.out.printf(
                "%nImport + dedup + PII scan benchmark (%d cores, max heap %d MiB)%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(
                "%10s %10s %12s %10s %14s %14s%n",
                "prompts", "seconds", "prompts/s", "flagged", "peak heap MiB", "peak RSS MiB");
        for (int size : sizes) {
            Path file = generate(size);
            DatasetSettings defaults = DatasetSettings.defaults();
            long datasetId = datasets.create(
                    new DatasetSettings(
                            "bench " + size + " " + System.nanoTime(),
                            "",
                            "",
                            false,
                            defaults.maxPromptsPerUser(),
                            defaults.dedupPrefixChars(),
                            1,
                            defaults.overlapShare(),
                            defaults.trainRatio(),
                            defaults.validRatio(),
                            defaults.testRatio(),
                            defaults.reviewPercent(),
                            defaults.phoneRegions()),
                    null);
            System.gc();
            resetPeaks();
            long start = System.nanoTime();
            ImportStatus status = importer.runNow(
                    new PromptImporter.ImportRequest(datasetId, "bench.jsonl", ImportFormat.JSONL, false, file, null));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!status.status().equals("SUCCEEDED")) {
                throw new IllegalStateException("Import did not succeed: " + status);
            }
            System.out.printf(
                    "%10d %10.1f %12.0f %10d %14d %14d%n",
                    size, seconds, size / seconds, status.piiFlagged(), peakHeap() >> 20, peakRss() >> 10);
        }
        context.close();
    }

    /** Realistic-looking prompts from many users, with some near-duplicates and some PII. */
    static Path generate(int size) throws IOException {
        Random random = new Random(42);
        JsonMapper json = JsonMapper.builder().build();
        Path file = Files.createTempFile("bench-prompts-", ".jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < size; i++) {
                String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
                String text = String.format(template, fill(template, random)) + " (request " + i + ")";
                if (random.nextInt(100) < 3) {
                    String pii = PII[random.nextInt(PII.length)];
                    text += pii.contains("%s")
                            ? String.format(pii, "user", i)
                            : pii.contains("%04d") ? String.format(pii, i % 10_000) : pii;
                }
                var line = new java.util.LinkedHashMap<String, Object>();
                line.put("prompt", text);
                line.put("user_id", "user-" + random.nextInt(size / 5 + 1));
                line.put("category", "other");
                out.write(json.writeValueAsString(line));
                out.write('\n');
            }
        }
        return file;
    }

    private static Object[] fill(String template, Random random) {
        List<Object> values = new java.util.ArrayList<>();
        for (int at = template.indexOf('%'); at >= 0; at = template.indexOf('%', at + 1)) {
            values.add(
                    template.charAt(at + 1) == 'd'
                            ? (Object) (2 + random.nextInt(40))
                            : WORDS[random.nextInt(WORDS.length)]);
        }
        return values.toArray();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    /** The process's resident-set high-water mark in KiB (Linux), or -1. */
    private static long peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }
}
