package org.instructforge.training.ray;

/**
 * The Ray Jobs API could not be reached, or answered an error: the message says which cluster and what happened.
 * {@link #unreachable()} tells a network failure (the cluster may be restarting) from an answer the API gave.
 */
public class RayJobsException extends RuntimeException {

    private final boolean unreachable;

    RayJobsException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
