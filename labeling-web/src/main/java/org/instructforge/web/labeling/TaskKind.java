package org.instructforge.web.labeling;

/** The kinds of work in a labeler's queue. */
public enum TaskKind {
    /** Write the ideal answer to a prompt (SFT data). */
    DEMONSTRATION,
    /** Rank K = 4..9 outputs of one prompt (reward-model data). */
    RANKING,
    /** Judge two checkpoints' outputs for one held-out prompt, blind (evaluation). */
    COMPARISON
}
