package org.instructforge.training.runs;

/**
 * This worker no longer holds the run under the attempt it claimed: it was presumed dead (paused, cut off from the
 * database past the stale limit) and the run was requeued, claimed again, cancelled to the end or deleted. The worker
 * stops the run at once and writes nothing more for it; {@link RunFence} throws this in place of the write.
 */
final class RunLost extends RuntimeException {

    RunLost(ClaimedRun run) {
        super("Worker " + run.worker() + " no longer holds run " + run.id() + " (attempt " + run.attempt()
                + "); it was taken over");
    }
}
