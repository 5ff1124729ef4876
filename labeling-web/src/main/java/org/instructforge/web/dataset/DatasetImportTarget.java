package org.instructforge.web.dataset;

import org.instructforge.web.pii.PhoneRegions;

/** What an import needs to know about its dataset to place each prompt and to scan it for PII. */
public record DatasetImportTarget(long id, int dedupPrefixChars, SplitRatios splitRatios, PhoneRegions phoneRegions) {}
