package org.instructforge.shared;

/** The lineage stages of a checkpoint: base -> SFT -> reward model -> PPO. */
public enum CheckpointKind {
    BASE,
    SFT,
    REWARD,
    PPO
}
