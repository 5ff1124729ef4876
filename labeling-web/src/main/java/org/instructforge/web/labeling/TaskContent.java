package org.instructforge.web.labeling;

/**
 * One kind of labeling work as the labeler JSON API shows it. Each kind's package implements it next to its
 * pages, so the queue's API serves every kind without knowing any of them.
 */
public interface TaskContent {

    TaskKind kind();

    /** The labeler's own leased task of this kind; anyone else's is "not found". */
    ApiTask describe(long leaseId, String username);
}
