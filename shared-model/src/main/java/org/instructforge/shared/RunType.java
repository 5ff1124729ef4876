package org.instructforge.shared;

/** What a training run does. */
public enum RunType {
    PRETRAIN,
    SFT,
    REWARD,
    PPO,
    /**
     * Direct preference optimisation: the policy fitted to the rankings directly, with the start (SFT) checkpoint
     * as the reference and no reward model.
     */
    DPO,
    /** The published policy writes K candidate outputs per prompt of a ranking round (the next labeling round). */
    CANDIDATES,
    /** Two checkpoints answer the held-out prompts of an evaluation round, for blind pairwise comparison. */
    EVALUATION;

    /** Runs that train and write a checkpoint (the others write labeling tasks). */
    public boolean trains() {
        return this == PRETRAIN || this == SFT || this == REWARD || this == PPO || this == DPO;
    }

    /** Runs that learn from the labelers' rankings (and so may select ranking rounds and AI feedback). */
    public boolean readsRankings() {
        return this == REWARD || this == DPO;
    }
}
