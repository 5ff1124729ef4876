package org.instructforge.web.comparison;

import java.time.Instant;
import java.util.List;

/**
 * A comparison as the labeler sees it: the prompt and two outputs, left and right. Which side holds output A is
 * chosen per lease; the models are never shown.
 */
public record ComparisonTaskView(
        long leaseId,
        long promptId,
        String prompt,
        String datasetName,
        String guidelines,
        Output left,
        Output right,
        boolean submitted,
        Instant leaseExpiresAt) {

    /** One side ("Left" or "Right"); {@code isLong} is true for text long enough to start collapsed. */
    public record Output(String side, String text, boolean isLong) {}

    public List<Output> sides() {
        return List.of(left, right);
    }

    public List<Preference> choices() {
        return List.of(Preference.values());
    }
}
