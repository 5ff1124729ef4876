package org.instructforge.web.dataset;

/** One dataset for its page: id, status, settings and counts. */
public record DatasetDetail(long id, String status, DatasetSettings settings, DatasetSummary summary) {

    public boolean archived() {
        return "ARCHIVED".equals(status);
    }
}
