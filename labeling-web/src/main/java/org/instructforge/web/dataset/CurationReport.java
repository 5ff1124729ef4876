package org.instructforge.web.dataset;

/** What one curation pass kept and dropped, and how the kept prompts fall into splits. */
public record CurationReport(
        long kept,
        long duplicates,
        long overCap,
        long train,
        long valid,
        long test,
        long trainUsers,
        long validUsers,
        long testUsers) {}
