package org.instructforge.web.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.web.pii.LabelledPiiSet.Example;
import org.instructforge.web.pii.LabelledPiiSet.GoldSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Measures the scanner against the hand-labelled set in {@code pii-eval.txt} and holds it to the issue's
 * quality targets: recall >= 0.95 for emails, phones and cards; precision >= 0.90 over all types.
 *
 * <p>A detection counts as correct when it overlaps a gold span of the same type (span boundaries differ
 * legitimately, e.g. whether "Dr." belongs to the name or the city to the address); a gold span counts as
 * found when some detection of its type overlaps it.
 */
class PiiEvaluationTest {

    private static final double MIN_RECALL_EMAIL_PHONE_CARD = 0.95;
    private static final double MIN_OVERALL_PRECISION = 0.90;

    /**
     * The held-out set was written after tuning and never tuned on; its bounds are looser because it is small
     * (50 prompts: one miss moves a per-type recall by 10-20 points) and it exists to expose overfitting.
     */
    private static final double MIN_HELD_OUT_RECALL_EMAIL_PHONE_CARD = 0.85;

    private static final double MIN_HELD_OUT_PRECISION = 0.85;

    private static List<Example> examples;
    private static Scores scores;
    private static Scores heldOut;

    @BeforeAll
    static void evaluate() throws IOException {
        PiiScanner scanner = new PiiScanner();
        examples = LabelledPiiSet.load("pii-eval.txt");
        scores = Scores.of(scanner, examples);
        System.out.println("=== pii-eval.txt (tuning set)" + scores.report());
        heldOut = Scores.of(scanner, LabelledPiiSet.load("pii-heldout.txt"));
        System.out.println("=== pii-heldout.txt (written after tuning, never tuned on)" + heldOut.report());
    }

    @Test
    void evaluationSetIsLargeAndFullOfHardNegatives() {
        assertThat(examples).hasSizeGreaterThanOrEqualTo(300);
        long withoutPii = examples.stream().filter(e -> e.gold().isEmpty()).count();
        assertThat(withoutPii).as("prompts with no PII at all").isGreaterThanOrEqualTo(100);
        for (PiiType type : PiiType.values()) {
            assertThat(scores.gold.get(type)).as("gold spans of " + type).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void recallForEmailsPhonesAndCardsIsAtLeast95Percent() {
        for (PiiType type : List.of(PiiType.EMAIL, PiiType.PHONE, PiiType.CARD)) {
            assertThat(scores.recall(type)).as("recall of " + type).isGreaterThanOrEqualTo(MIN_RECALL_EMAIL_PHONE_CARD);
        }
    }

    @Test
    void precisionOverAllTypesIsAtLeast90Percent() {
        assertThat(scores.overallPrecision())
                .as("micro precision over all types")
                .isGreaterThanOrEqualTo(MIN_OVERALL_PRECISION);
    }

    @Test
    void heldOutSetStaysCloseToTheTargets() {
        for (PiiType type : List.of(PiiType.EMAIL, PiiType.PHONE, PiiType.CARD)) {
            assertThat(heldOut.recall(type))
                    .as("held-out recall of " + type)
                    .isGreaterThanOrEqualTo(MIN_HELD_OUT_RECALL_EMAIL_PHONE_CARD);
        }
        assertThat(heldOut.overallPrecision())
                .as("held-out micro precision")
                .isGreaterThanOrEqualTo(MIN_HELD_OUT_PRECISION);
    }

    /** Per-type counts plus the misses, so a failing run says exactly which lines to look at. */
    static final class Scores {
        final Map<PiiType, Integer> gold = new EnumMap<>(PiiType.class);
        final Map<PiiType, Integer> found = new EnumMap<>(PiiType.class);
        final Map<PiiType, Integer> detected = new EnumMap<>(PiiType.class);
        final Map<PiiType, Integer> correct = new EnumMap<>(PiiType.class);
        final List<String> falsePositives = new ArrayList<>();
        final List<String> falseNegatives = new ArrayList<>();

        static Scores of(PiiScanner scanner, List<Example> examples) {
            Scores s = new Scores();
            for (PiiType type : PiiType.values()) {
                s.gold.put(type, 0);
                s.found.put(type, 0);
                s.detected.put(type, 0);
                s.correct.put(type, 0);
            }
            for (Example example : examples) {
                List<PiiDetection> detections = scanner.scan(example.text());
                for (PiiDetection d : detections) {
                    s.detected.merge(d.type(), 1, Integer::sum);
                    boolean hit = example.gold().stream()
                            .anyMatch(g -> g.type() == d.type() && g.start() < d.end() && d.start() < g.end());
                    if (hit) {
                        s.correct.merge(d.type(), 1, Integer::sum);
                    } else {
                        s.falsePositives.add("line " + example.lineNumber() + " " + d.type() + " '" + d.text() + "' ("
                                + d.detector() + ")");
                    }
                }
                for (GoldSpan g : example.gold()) {
                    s.gold.merge(g.type(), 1, Integer::sum);
                    boolean hit = detections.stream()
                            .anyMatch(d -> d.type() == g.type() && g.start() < d.end() && d.start() < g.end());
                    if (hit) {
                        s.found.merge(g.type(), 1, Integer::sum);
                    } else {
                        s.falseNegatives.add("line " + example.lineNumber() + " " + g.type() + " '" + g.text() + "'");
                    }
                }
            }
            return s;
        }

        double recall(PiiType type) {
            int g = gold.get(type);
            return g == 0 ? 1.0 : (double) found.get(type) / g;
        }

        double precision(PiiType type) {
            int d = detected.get(type);
            return d == 0 ? 1.0 : (double) correct.get(type) / d;
        }

        double overallPrecision() {
            int d = detected.values().stream().mapToInt(Integer::intValue).sum();
            int c = correct.values().stream().mapToInt(Integer::intValue).sum();
            return d == 0 ? 1.0 : (double) c / d;
        }

        double overallRecall() {
            int g = gold.values().stream().mapToInt(Integer::intValue).sum();
            int f = found.values().stream().mapToInt(Integer::intValue).sum();
            return g == 0 ? 1.0 : (double) f / g;
        }

        String report() {
            StringBuilder sb = new StringBuilder("\nPII evaluation (span match by overlap)\n");
            sb.append(String.format(
                    Locale.ROOT, "%-11s %5s %5s %9s %7s%n", "type", "gold", "det", "precision", "recall"));
            for (PiiType type : PiiType.values()) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-11s %5d %5d %9.3f %7.3f%n",
                        type,
                        gold.get(type),
                        detected.get(type),
                        precision(type),
                        recall(type)));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%-11s %5d %5d %9.3f %7.3f%n",
                    "ALL",
                    gold.values().stream().mapToInt(Integer::intValue).sum(),
                    detected.values().stream().mapToInt(Integer::intValue).sum(),
                    overallPrecision(),
                    overallRecall()));
            sb.append("false positives (").append(falsePositives.size()).append("):\n");
            falsePositives.forEach(f -> sb.append("  ").append(f).append('\n'));
            sb.append("false negatives (").append(falseNegatives.size()).append("):\n");
            falseNegatives.forEach(f -> sb.append("  ").append(f).append('\n'));
            return sb.toString();
        }
    }
}
