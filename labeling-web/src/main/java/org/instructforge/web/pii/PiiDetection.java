package org.instructforge.web.pii;

import java.util.Objects;

/**
 * One span of personal data found in a text.
 *
 * @param type       what was found
 * @param start      index of the first character (inclusive)
 * @param end        index after the last character (exclusive)
 * @param text       the covered text, kept so a reviewer sees it and a stale detection can be recognised
 * @param confidence rough belief in [0, 1]: checksum-validated findings score high, gazetteer guesses low
 * @param detector   which rule produced it (for the review queue and for debugging false positives)
 */
public record PiiDetection(PiiType type, int start, int end, String text, double confidence, String detector) {

    public PiiDetection {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(detector, "detector");
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
        if (text.length() != end - start) {
            throw new IllegalArgumentException("text length " + text.length() + " != span length " + (end - start));
        }
        if (confidence < 0.0 || confidence > 1.0) {
            throw new IllegalArgumentException("confidence out of [0, 1]: " + confidence);
        }
    }

    /** Convenience for detectors: the covered text is cut from the scanned string. */
    static PiiDetection of(PiiType type, String source, int start, int end, double confidence, String detector) {
        return new PiiDetection(type, start, end, source.substring(start, end), confidence, detector);
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(PiiDetection other) {
        return start < other.end && other.start < end;
    }
}
