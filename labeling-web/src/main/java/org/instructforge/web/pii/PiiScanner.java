package org.instructforge.web.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    private static final Comparator<PiiDetection> PRIORITY = Comparator.comparingInt(PiiDetection::length)
            .reversed()
            .thenComparingInt(d -> d.type().ordinal())
            .thenComparingInt(PiiDetection::start);

    /** Every detector but the phone one, which depends on the regions of the text's dataset. */
    private final List<PiiDetector> detectors = List.of(
            new SecretUrlDetector(),
            new EmailDetector(),
            new IbanDetector(),
            new CardDetector(),
            new SsnDetector(),
            new IpAddressDetector(),
            new StreetAddressDetector(),
            new NameDetector(NameGazetteer.load()));

    /** One phone detector per region list in use (a handful of datasets share a few lists). */
    private final Map<PhoneRegions, PhoneDetector> phoneDetectors = new ConcurrentHashMap<>();

    /** All accepted detections in {@code text}, reading national phone numbers in {@link PhoneRegions#DEFAULT}. */
    public List<PiiDetection> scan(String text) {
        return scan(text, PhoneRegions.DEFAULT);
    }

    /**
     * All accepted detections in {@code text}, non-overlapping, ordered by start.
     *
     * @param regions where the text comes from: national-format phone numbers are read in each of them;
     *                numbers written with "+CC" or "00CC" are found regardless
     */
    public List<PiiDetection> scan(String text, PhoneRegions regions) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<PiiDetection> candidates = new ArrayList<>();
        for (PiiDetector detector : detectors) {
            detector.detect(text, candidates);
        }
        phoneDetectors.computeIfAbsent(regions, PhoneDetector::new).detect(text, candidates);
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
