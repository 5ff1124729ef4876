package org.instructforge.web.pii;

import java.util.List;

/** One prompt in the review queue: its text cut into plain and detected segments, for highlighting. */
public record ReviewItem(long promptId, String datasetName, List<Segment> segments, List<Detection> detections) {

    /** A run of text; {@code detectionId} is set when the run is a detection. */
    public record Segment(String text, Long detectionId, String type) {

        public boolean detected() {
            return detectionId != null;
        }
    }

    /** A detection and its review state. */
    public record Detection(long id, String type, String text, String status, String replacement) {

        public boolean pending() {
            return "PENDING".equals(status);
        }
    }
}
