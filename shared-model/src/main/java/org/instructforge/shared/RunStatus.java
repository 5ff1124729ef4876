package org.instructforge.shared;

/** A training run's life: QUEUED, claimed by a worker (RUNNING), then one of the final states. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    CANCEL_REQUESTED,
    CANCELLED,
    SUCCEEDED,
    FAILED;

    public boolean finished() {
        return this == CANCELLED || this == SUCCEEDED || this == FAILED;
    }
}
