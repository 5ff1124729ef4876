package org.instructforge.shared;

/** What a training run does. */
public enum RunType {
    PRETRAIN,
    SFT,
    REWARD,
    PPO,
    /** The published policy writes K candidate outputs per prompt of a ranking round (the next labeling round). */
    CANDIDATES,
    /** Two checkpoints answer the held-out prompts of an evaluation round, for blind pairwise comparison. */
    EVALUATION;

    /** Runs that train and write a checkpoint (the others write labeling tasks). */
    public boolean trains() {
        return this == PRETRAIN || this == SFT || this == REWARD || this == PPO;
    }
}
