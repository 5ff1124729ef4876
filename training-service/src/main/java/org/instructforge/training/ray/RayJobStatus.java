package org.instructforge.training.ray;

/** A Ray job's status as {@code GET /api/jobs/{id}} answers it (Ray's {@code JobStatus}). */
public enum RayJobStatus {
    PENDING,
    RUNNING,
    STOPPED,
    SUCCEEDED,
    FAILED;

    /** Ray moves a job out of these three never again. */
    public boolean terminal() {
        return this == STOPPED || this == SUCCEEDED || this == FAILED;
    }
}
