package org.instructforge.web.labeling;

/** The kinds of work in a labeler's queue. */
public enum TaskKind {
    /** Write the ideal answer to a prompt (SFT data). */
    DEMONSTRATION("/labeler/demonstrations/"),
    /** Rank K = 4..9 outputs of one prompt (reward-model data). */
    RANKING("/labeler/rankings/"),
    /** Judge two checkpoints' outputs for one held-out prompt, blind (evaluation). */
    COMPARISON("/labeler/comparisons/");

    private final String page;

    TaskKind(String page) {
        this.page = page;
    }

    /** Where a task of this kind is worked on: this path followed by the lease id. */
    public String page() {
        return page;
    }

    /** The kind in lower case, as the pages say it ("ranking"). */
    public String label() {
        return name().toLowerCase();
    }
}
