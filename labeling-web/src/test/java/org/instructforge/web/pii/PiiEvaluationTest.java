package org.instructforge.web.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.instructforge.web.pii.LabelledPiiSet.Example;
import org.instructforge.web.pii.LabelledPiiSet.GoldSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Measures the scanner (with the default {@link PhoneRegions}) against the hand-labelled set in
 * {@code pii-eval.txt} and holds it to the quality targets: recall >= 0.95 for emails, phones and cards,
 * and for phones in each default region (national formats included); precision >= 0.90 for every type.
 *
 * <p>A detection counts as correct when it overlaps a gold span of the same type (span boundaries differ
 * legitimately, e.g. whether "Dr." belongs to the name or the city to the address); a gold span counts as
 * found when some detection of its type overlaps it.
 */
class PiiEvaluationTest {

    private static final double MIN_RECALL_EMAIL_PHONE_CARD = 0.95;
    private static final double MIN_PRECISION = 0.90;
    /** Enough national-format numbers per region that one miss shows (5 of 6 is 0.83). */
    private static final int MIN_PHONES_PER_REGION = 6;

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
    void precisionOfEveryTypeIsAtLeast90Percent() {
        for (PiiType type : PiiType.values()) {
            assertThat(scores.precision(type)).as("precision of " + type).isGreaterThanOrEqualTo(MIN_PRECISION);
        }
        assertThat(scores.overallPrecision())
                .as("micro precision over all types")
                .isGreaterThanOrEqualTo(MIN_PRECISION);
    }

    @Test
    void phoneRecallIsAtLeast95PercentInEveryDefaultRegion() {
        for (String region : PhoneRegions.DEFAULT.codes()) {
            assertThat(scores.phoneGold.getOrDefault(region, 0))
                    .as("phone numbers of " + region + " in the set")
                    .isGreaterThanOrEqualTo(MIN_PHONES_PER_REGION);
            assertThat(scores.phoneRecall(region))
                    .as("phone recall in " + region)
                    .isGreaterThanOrEqualTo(MIN_RECALL_EMAIL_PHONE_CARD);
        }
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
        /** Phone gold spans and those found, by the region they are written for (see {@link #regionOf}). */
        final Map<String, Integer> phoneGold = new TreeMap<>();

        final Map<String, Integer> phoneFound = new TreeMap<>();
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
                    if (g.type() == PiiType.PHONE) {
                        s.phoneGold.merge(regionOf(g), 1, Integer::sum);
                        s.phoneFound.merge(regionOf(g), hit ? 1 : 0, Integer::sum);
                    }
                    if (hit) {
                        s.found.merge(g.type(), 1, Integer::sum);
                    } else {
                        s.falseNegatives.add("line " + example.lineNumber() + " " + g.type() + " '" + g.text() + "'");
                    }
                }
            }
            return s;
        }

        /**
         * The region a gold phone number is written for: named in the set, else the country of its "+CC" or
         * "00CC", else the US (the set's first national-format numbers were written for US readers).
         */
        static String regionOf(GoldSpan phone) {
            if (phone.region() != null) {
                return phone.region();
            }
            String digits = phone.text().replaceAll("[^0-9+]", "");
            String international =
                    digits.startsWith("+") ? digits : digits.startsWith("00") ? "+" + digits.substring(2) : null;
            if (international == null) {
                return "US";
            }
            try {
                PhoneNumberUtil util = PhoneNumberUtil.getInstance();
                return util.getRegionCodeForCountryCode(
                        util.parse(international, "ZZ").getCountryCode());
            } catch (NumberParseException e) {
                return "??";
            }
        }

        double phoneRecall(String region) {
            int g = phoneGold.getOrDefault(region, 0);
            return g == 0 ? 1.0 : (double) phoneFound.get(region) / g;
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
            sb.append("phone recall by region (national formats and +CC)\n");
            sb.append(String.format(Locale.ROOT, "%-11s %5s %5s %7s%n", "region", "gold", "found", "recall"));
            for (String region : phoneGold.keySet()) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-11s %5d %5d %7.3f%n",
                        region,
                        phoneGold.get(region),
                        phoneFound.get(region),
                        phoneRecall(region)));
            }
            sb.append("false positives (").append(falsePositives.size()).append("):\n");
            falsePositives.forEach(f -> sb.append("  ").append(f).append('\n'));
            sb.append("false negatives (").append(falseNegatives.size()).append("):\n");
            falseNegatives.forEach(f -> sb.append("  ").append(f).append('\n'));
            return sb.toString();
        }
    }
}
