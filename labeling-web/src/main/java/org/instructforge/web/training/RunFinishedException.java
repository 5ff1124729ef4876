package org.instructforge.web.training;

import org.instructforge.shared.RunStatus;

/** Cancelling a run that has already finished: nothing is left to stop. */
class RunFinishedException extends RuntimeException {

    RunFinishedException(long runId, RunStatus status) {
        super("Run " + runId + " already finished (" + status + "): there is nothing to cancel.");
    }
}
