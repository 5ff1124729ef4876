package org.instructforge.web.dataset;

import org.instructforge.shared.PiiStatus;
import org.instructforge.shared.PromptCategory;
import org.instructforge.shared.PromptStatus;
import org.instructforge.shared.Split;

/**
 * The admin's prompt search: full text (words, "quoted phrases", -excluded) and filters, any of them empty.
 */
public record PromptFilter(
        String q, Split split, PromptCategory category, PiiStatus pii, PromptStatus status, String user, Integer page) {

    static final int PAGE_SIZE = 50;

    public int pageOrFirst() {
        return page == null || page < 0 ? 0 : page;
    }

    boolean has(String value) {
        return value != null && !value.isBlank();
    }
}
