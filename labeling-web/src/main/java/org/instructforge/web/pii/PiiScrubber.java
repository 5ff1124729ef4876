package org.instructforge.web.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Replaces accepted detections with their typed placeholders ("Call [NAME] at [PHONE]").
 *
 * <p>The detections usually come back from the review queue, where a reviewer may have rejected some, so
 * they are checked against the text: a detection whose span no longer holds its recorded text (the prompt
 * was edited after scanning) is refused instead of scrubbing the wrong characters.
 */
public final class PiiScrubber {

    /**
     * @param text     the original text the detections were made on
     * @param accepted detections to replace, in any order; they must not overlap
     * @return the text with every accepted span replaced by {@link PiiType#placeholder()}
     * @throws IllegalArgumentException if a span is out of range, no longer matches the text, or overlaps another
     */
    public String scrub(String text, List<PiiDetection> accepted) {
        return scrub(text, accepted, d -> d.type().placeholder());
    }

    /**
     * As {@link #scrub(String, List)}, with each span's replacement chosen by the caller: a reviewer may
     * replace a span with text of their own instead of the typed placeholder.
     */
    public String scrub(String text, List<PiiDetection> accepted, Function<PiiDetection, String> replacement) {
        if (accepted.isEmpty()) {
            return text;
        }
        List<PiiDetection> byStartDescending = new ArrayList<>(accepted);
        byStartDescending.sort(Comparator.comparingInt(PiiDetection::start).reversed());
        StringBuilder out = new StringBuilder(text);
        int previousStart = Integer.MAX_VALUE;
        // Right to left, so replacing one span never shifts the offsets of the spans still to come.
        for (PiiDetection d : byStartDescending) {
            if (d.end() > text.length()) {
                throw new IllegalArgumentException("detection " + d + " ends past the text (" + text.length() + ")");
            }
            if (d.end() > previousStart) {
                throw new IllegalArgumentException("overlapping detections at " + d.start() + ".." + d.end());
            }
            if (!text.regionMatches(d.start(), d.text(), 0, d.text().length())) {
                throw new IllegalArgumentException("detection " + d + " does not match the text; was it edited?");
            }
            out.replace(d.start(), d.end(), replacement.apply(d));
            previousStart = d.start();
        }
        return out.toString();
    }
}
