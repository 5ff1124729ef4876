package org.instructforge.web.dataset;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Searches a dataset's prompts: PostgreSQL full-text search plus filters, a page at a time. */
@Service
public class PromptBrowser {

    private final JdbcClient jdbc;

    PromptBrowser(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public PromptPage search(long datasetId, PromptFilter filter) {
        List<String> where = new ArrayList<>(List.of("dataset_id = :dataset"));
        var params = new java.util.HashMap<String, Object>();
        params.put("dataset", datasetId);
        if (filter.has(filter.q())) {
            // websearch_to_tsquery never fails on user input: quotes, OR and -word all parse.
            where.add("to_tsvector('simple', text) @@ websearch_to_tsquery('simple', :q)");
            params.put("q", filter.q());
        }
        if (filter.split() != null) {
            where.add("split = :split");
            params.put("split", filter.split().name());
        }
        if (filter.category() != null) {
            where.add("category = :category");
            params.put("category", filter.category().name());
        }
        if (filter.pii() != null) {
            where.add("pii_status = :pii");
            params.put("pii", filter.pii().name());
        }
        if (filter.status() != null) {
            where.add("status = :status");
            params.put("status", filter.status().name());
        }
        if (filter.has(filter.user())) {
            where.add("source_user_id = :user");
            params.put("user", filter.user().strip());
        }
        String condition = String.join(" AND ", where);
        long total = jdbc.sql("SELECT count(*) FROM prompt WHERE " + condition)
                .params(params)
                .query(Long.class)
                .single();
        int page = filter.pageOrFirst();
        List<PromptRow> rows = jdbc.sql("""
                        SELECT id, text, source_user_id, source_kind, category, split, pii_status, status
                        FROM prompt WHERE %s ORDER BY id LIMIT :limit OFFSET :offset""".formatted(condition))
                .params(params)
                .param("limit", PromptFilter.PAGE_SIZE)
                .param("offset", (long) page * PromptFilter.PAGE_SIZE)
                .query((rs, n) -> new PromptRow(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)))
                .list();
        return new PromptPage(rows, total, page, PromptFilter.PAGE_SIZE);
    }
}
