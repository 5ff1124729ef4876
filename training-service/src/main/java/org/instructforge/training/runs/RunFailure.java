package org.instructforge.training.runs;

/** Why a run cannot go on, in words for the engineer (missing data, a damaged checkpoint...): the run FAILS with it. */
class RunFailure extends RuntimeException {

    RunFailure(String message) {
        super(message);
    }
}
