package org.instructforge.shared.run;

/**
 * The least labelled data an SFT or reward-model run can train on. The training service's worker trains on examples
 * of TRAIN prompts and validates on those of VALID prompts; without VALID ones it holds out every tenth TRAIN example
 * (at least one). A run therefore needs one TRAIN example and one more, TRAIN or VALID, to validate on; with less the
 * worker fails it. The dashboard asks this rule when a run is requested, so such a run is refused at once with the
 * reason instead of failing later (the worker's {@code LabelDataTest} checks that its hold-out agrees with it).
 */
public final class LabelMinimum {

    /** Examples a run needs at the least: one to train on and one to validate on. */
    public static final int EXAMPLES = 2;

    private LabelMinimum() {}

    /**
     * @param train usable examples on TRAIN prompts
     * @param validation usable examples on VALID prompts
     */
    public static boolean enough(long train, long validation) {
        return train >= 1 && train + validation >= EXAMPLES;
    }
}
