package org.instructforge.web.dataset.importing;

import java.time.Instant;
import java.util.List;

/** An import's progress and outcome, for the progress bar and the API. */
public record ImportStatus(
        long id,
        long datasetId,
        String fileName,
        String format,
        boolean skipBadLines,
        String status,
        Long totalBytes,
        long bytesRead,
        int linesRead,
        int promptsAdded,
        int promptsAlreadyPresent,
        int badLines,
        int piiFlagged,
        List<LineError> errors,
        String errorMessage,
        Instant startedAt,
        Instant finishedAt) {

    /** One bad line of the file and why. */
    public record LineError(long line, String reason) {}

    public boolean running() {
        return "RUNNING".equals(status);
    }

    /** Progress in [0, 1] by bytes read, for the progress bar. */
    public double progress() {
        if (!running()) {
            return 1.0;
        }
        return totalBytes == null || totalBytes == 0 ? 0.0 : Math.min(1.0, (double) bytesRead / totalBytes);
    }
}
