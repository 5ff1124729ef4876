package org.instructforge.web.dataset;

import java.util.List;

/** One page of search results and the total number of matches. */
public record PromptPage(List<PromptRow> rows, long total, int page, int pageSize) {

    public boolean hasNext() {
        return (long) (page + 1) * pageSize < total;
    }

    public boolean hasPrevious() {
        return page > 0;
    }
}
