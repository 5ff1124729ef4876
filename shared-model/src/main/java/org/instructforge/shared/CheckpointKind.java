package org.instructforge.shared;

/** The lineage stages of a checkpoint: base -> SFT -> reward model -> PPO, or SFT -> DPO (no reward model). */
public enum CheckpointKind {
    BASE,
    SFT,
    REWARD,
    PPO,
    /** A policy fitted to the rankings by DPO, its start (SFT) checkpoint the reference. */
    DPO
}
