package org.instructforge.web.dataset;

/** What an import needs to know about its dataset to place each prompt. */
public record DatasetImportTarget(long id, int dedupPrefixChars, SplitRatios splitRatios) {}
