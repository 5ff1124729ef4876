package org.instructforge.web.dataset.importing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Running totals of one import, and its first bad lines (all of them are counted). */
final class ImportCounts {

    /** Reasons kept for the report; a file of a million bad lines must not hold a million messages. */
    static final int MAX_ERRORS_KEPT = 1000;

    long bytesRead;
    int linesRead;
    int added;
    int alreadyPresent;
    int badLines;
    int piiFlagged;
    final List<Map<String, Object>> errors = new ArrayList<>();

    void bad(long line, String reason) {
        badLines++;
        if (errors.size() < MAX_ERRORS_KEPT) {
            errors.add(Map.of("line", line, "reason", reason));
        }
    }
}
