package org.instructforge.web.pii;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput check for the benchmark: "Import + dedup + PII scan of 100,000 generated prompts:
 * target >= 5,000 prompts/s on this 2-core machine". A main class, not a test: timings are not assertions.
 *
 * <p>Run: {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt} then
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.instructforge.web.pii.PiiScanBenchmark}.
 *
 * <p>Prompts come from templates with random fillers (seeded, so runs compare): about 70 % carry no PII
 * but plenty of digits, versions, dates and code (the expensive case for the numeric detectors), 30 % carry
 * one or two PII items, and 8 % are exact or whitespace/case duplicates for the dedup step.
 */
public final class PiiScanBenchmark {

    private static final int PROMPTS = 100_000;

    private static final String[] NEUTRAL = {
        "Explain the difference between %s and %s in simple terms for a beginner.",
        "Write a Python function that parses dates like 2024-%02d-%02d and returns the weekday.",
        "We upgraded from version %v.%v.%v to %v.%v.%v and the build fails with error 0x%04X, why?",
        "Summarise this paragraph in three bullet points: The quarterly revenue grew by %d%% to $%d,%03d while costs fell.",
        "My order #%d has not arrived after %d days, write a polite complaint to the shop.",
        "Solve %d x + %d = %d and show each step.",
        "Translate to French: \"The meeting is moved to %d:%02d on Thursday, room %d.\"",
        "Give me %d ideas for a birthday party for a %d year old who likes dinosaurs.",
        "In Java, why does `list.get(%d)` throw IndexOutOfBoundsException when size() is %d?",
        "Write a haiku about autumn in %s.",
        "What is the time complexity of %s sort, and when is it better than %s sort?",
        "Will the %s API rate limit of %d requests per minute be enough for %d users?",
        "Compare the iPhone %d and Pixel %d cameras for low light photography.",
        "Tracking number 1Z%06dA%08d has not updated since Monday, what should I do?",
    };
    private static final String[] WITH_PII = {
        "Hi, I'm %s %s. Please write an email to my landlord; reply to %s.%s@example.com.",
        "Call me at (%03d) 555-01%02d after 6pm about the invoice, write a reminder.",
        "My card 4111 1111 1111 1111 was declined at %s, write a message to the bank.",
        "Ship it to %d %s Street, Springfield, IL 62704 and confirm by text to +44 20 7946 0958.",
        "Our server at 10.%o.%o.%o keeps dropping SSH connections, what should I check?",
        "Dear Dr. %s, I am writing to ask for a copy of my records. Best,\n%s %s",
        "Pay the deposit to DE89 3704 0044 0532 0130 00 and write a confirmation to %s.",
        "Why does postgres://app:pw%d@db.internal:5432/orders fail with auth errors?",
    };
    private static final String[] WORDS = {
        "Kafka",
        "RabbitMQ",
        "merge",
        "quick",
        "heap",
        "Lisbon",
        "Kyoto",
        "Maps",
        "Stripe",
        "GraphQL",
        "REST",
        "Spring",
        "Django",
        "Oslo",
        "bubble",
        "radix"
    };
    private static final String[] FIRST = {"Priya", "John", "Maria", "Chen", "Fatima", "Lukas", "Aisha", "Kevin"};
    private static final String[] LAST = {"Raman", "Smith", "Garcia", "Wei", "Khan", "Becker", "Okafor", "Walsh"};

    private PiiScanBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> jsonl = generateJsonl(PROMPTS, new Random(42));
        PiiScanner scanner = new PiiScanner();

        // Warm-up on a same-sized set with another seed, so the JIT has compiled the hot paths (including
        // libphonenumber's) before timing; a cold one-off import is slower, by about 2x on this machine.
        for (int round = 0; round < 2; round++) {
            for (String p : importAndDedup(generateJsonl(PROMPTS, new Random(7 + round)))) {
                scanner.scan(p);
            }
        }

        long t0 = System.nanoTime();
        List<String> unique = importAndDedup(jsonl);
        long t1 = System.nanoTime();
        long detections = 0;
        for (String prompt : unique) {
            detections += scanner.scan(prompt).size();
        }
        long t2 = System.nanoTime();

        double importSeconds = (t1 - t0) / 1e9;
        double scanSeconds = (t2 - t1) / 1e9;
        System.out.printf(
                Locale.ROOT, "prompts generated       %,d (%,d unique after dedup)%n", jsonl.size(), unique.size());
        System.out.printf(Locale.ROOT, "import + dedup          %.3f s%n", importSeconds);
        System.out.printf(
                Locale.ROOT,
                "PII scan, 1 thread      %.3f s  %,.0f prompts/s  (%,d detections)%n",
                scanSeconds,
                unique.size() / scanSeconds,
                detections);
        System.out.printf(
                Locale.ROOT,
                "pipeline, 1 thread      %,.0f prompts/s (input prompts / total time)%n",
                jsonl.size() / (importSeconds + scanSeconds));

        int threads = Runtime.getRuntime().availableProcessors();
        long t3 = System.nanoTime();
        long parallelDetections = scanInParallel(scanner, unique, threads);
        double parallelSeconds = (System.nanoTime() - t3) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "PII scan, %d threads     %.3f s  %,.0f prompts/s  (%,d detections)%n",
                threads,
                parallelSeconds,
                unique.size() / parallelSeconds,
                parallelDetections);
    }

    static List<String> generateJsonl(int count, Random random) {
        List<String> lines = new ArrayList<>(count);
        List<String> recent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prompt;
            int roll = random.nextInt(100);
            if (roll < 8 && !recent.isEmpty()) {
                String original = recent.get(random.nextInt(recent.size()));
                // Duplicates as imports really contain them: verbatim, re-cased or with stray whitespace.
                prompt = switch (random.nextInt(3)) {
                    case 0 -> original;
                    case 1 -> original.toUpperCase(Locale.ROOT);
                    default -> "  " + original.replace(" ", "  ") + " ";
                };
            } else if (roll < 38) {
                prompt = fill(WITH_PII[random.nextInt(WITH_PII.length)], random);
            } else {
                prompt = fill(NEUTRAL[random.nextInt(NEUTRAL.length)], random);
            }
            if (recent.size() < 1000) {
                recent.add(prompt);
            } else {
                recent.set(random.nextInt(1000), prompt);
            }
            lines.add("{\"prompt\": \""
                    + prompt.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\", \"user_id\": \"u"
                    + random.nextInt(5000) + "\"}");
        }
        return lines;
    }

    /** Fills %s (word or name), %d (number), %X (hex), %v (version part), %o (IP octet) placeholders. */
    private static String fill(String template, Random random) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        int nameIndex = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int j = i + 1;
            while (j < template.length() && !Character.isLetter(template.charAt(j)) && template.charAt(j) != '%') {
                j++;
            }
            String spec = template.substring(i, j + 1);
            char kind = template.charAt(j);
            switch (kind) {
                case 's' ->
                    out.append(
                            nameIndex++ % 2 == 0
                                    ? pick(FIRST, random)
                                    : pick(random.nextBoolean() ? LAST : WORDS, random));
                case 'd' ->
                    out.append(String.format(Locale.ROOT, spec, 1 + random.nextInt(spec.contains("03") ? 999 : 9999)));
                case 'X' -> out.append(String.format(Locale.ROOT, spec, random.nextInt(0xFFFF)));
                case 'v' -> out.append(random.nextInt(25)); // version component
                case 'o' -> out.append(random.nextInt(256)); // IPv4 octet
                case '%' -> out.append('%');
                default -> out.append(spec);
            }
            i = j;
        }
        return out.toString();
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    /**
     * The import step as the platform does it: read the "prompt" field of each JSONL line, then drop
     * duplicates by a normalised key (trimmed, whitespace collapsed, lower-cased).
     */
    static List<String> importAndDedup(List<String> jsonl) {
        Set<String> seen = new HashSet<>(jsonl.size() * 2);
        List<String> unique = new ArrayList<>(jsonl.size());
        StringBuilder key = new StringBuilder(256);
        for (String line : jsonl) {
            String prompt = promptField(line);
            key.setLength(0);
            boolean space = true;
            for (int i = 0; i < prompt.length(); i++) {
                char c = prompt.charAt(i);
                if (Character.isWhitespace(c)) {
                    if (!space) {
                        key.append(' ');
                        space = true;
                    }
                } else {
                    key.append(Character.toLowerCase(c));
                    space = false;
                }
            }
            if (key.length() > 0 && key.charAt(key.length() - 1) == ' ') {
                key.setLength(key.length() - 1);
            }
            if (seen.add(key.toString())) {
                unique.add(prompt);
            }
        }
        return unique;
    }

    /** Minimal reader for the generated lines' first string field (escapes: \\ \" \n). */
    private static String promptField(String line) {
        int start = line.indexOf('"', line.indexOf(':')) + 1;
        StringBuilder out = new StringBuilder(line.length());
        for (int i = start; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                out.append(e == 'n' ? '\n' : e);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static long scanInParallel(PiiScanner scanner, List<String> prompts, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            int chunk = (prompts.size() + threads - 1) / threads;
            for (int t = 0; t < threads; t++) {
                List<String> slice =
                        prompts.subList(Math.min(prompts.size(), t * chunk), Math.min(prompts.size(), (t + 1) * chunk));
                parts.add(pool.submit(() -> {
                    long n = 0;
                    for (String p : slice) {
                        n += scanner.scan(p).size();
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> part : parts) {
                total += part.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
