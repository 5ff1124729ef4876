package org.instructforge.shared;

/** What a training run does. */
public enum RunType {
    PRETRAIN,
    SFT,
    REWARD,
    PPO
}
