package org.instructforge.training.toolbox;

/**
 * Asked by a trainer before every step whether to go on: a dashboard's cancel button, a worker shutting down, or a
 * test that stops a run where a crash would (no checkpoint written at that point).
 */
@FunctionalInterface
public interface RunControl {

    boolean shouldStop(int nextStep);

    RunControl NEVER = step -> false;

    /** Stops before step {@code step} runs, as if the process had been killed right after step - 1. */
    static RunControl stopBefore(int step) {
        return next -> next >= step;
    }
}
