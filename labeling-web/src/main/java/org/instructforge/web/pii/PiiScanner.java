package org.instructforge.web.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds personal data in free text (prompts, demonstrations) so it can be reviewed and scrubbed before the
 * text reaches a training split (InstructGPT §3.2: "PII is filtered from the training split").
 *
 * <p>Thread-safe: every detector is immutable after construction and keeps per-call state on the stack, so
 * one scanner can serve all import workers.
 *
 * <p>Overlaps are resolved deterministically: the longest candidate wins; on equal length the more specific
 * type wins ({@link PiiType} declaration order: a Luhn-valid card beats a phone reading of the same digits);
 * then the earlier start. A URL with {@code user:pass@host} therefore stays one {@code [SECRET_URL]} instead
 * of an {@code [EMAIL]} inside a URL, and "Dr. Will Fischer, 12 Fischer Street" keeps both spans.
 */
public final class PiiScanner {

    /** Region used to read phone numbers written without a country code. */
    public static final String DEFAULT_REGION = "US";

    private static final Comparator<PiiDetection> PRIORITY = Comparator.comparingInt(PiiDetection::length)
            .reversed()
            .thenComparingInt(d -> d.type().ordinal())
            .thenComparingInt(PiiDetection::start);

    private final List<PiiDetector> detectors;

    public PiiScanner() {
        this(DEFAULT_REGION);
    }

    /**
     * @param defaultRegion ISO 3166-1 alpha-2 region for national-format phone numbers ("US", "GB", "DE");
     *                      numbers written with "+CC" or "00CC" are found regardless
     */
    public PiiScanner(String defaultRegion) {
        this.detectors = List.of(
                new SecretUrlDetector(),
                new EmailDetector(),
                new IbanDetector(),
                new CardDetector(),
                new SsnDetector(),
                new IpAddressDetector(),
                new PhoneDetector(defaultRegion),
                new StreetAddressDetector(),
                new NameDetector(NameGazetteer.load()));
    }

    /** All accepted detections in {@code text}, non-overlapping, ordered by start. */
    public List<PiiDetection> scan(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<PiiDetection> candidates = new ArrayList<>();
        for (PiiDetector detector : detectors) {
            detector.detect(text, candidates);
        }
        return resolveOverlaps(candidates);
    }

    static List<PiiDetection> resolveOverlaps(List<PiiDetection> candidates) {
        if (candidates.size() <= 1) {
            return List.copyOf(candidates);
        }
        candidates.sort(PRIORITY);
        List<PiiDetection> accepted = new ArrayList<>(candidates.size());
        for (PiiDetection candidate : candidates) {
            boolean free = true;
            for (PiiDetection kept : accepted) {
                if (kept.overlaps(candidate)) {
                    free = false;
                    break;
                }
            }
            if (free) {
                accepted.add(candidate);
            }
        }
        accepted.sort(Comparator.comparingInt(PiiDetection::start));
        return List.copyOf(accepted);
    }
}
