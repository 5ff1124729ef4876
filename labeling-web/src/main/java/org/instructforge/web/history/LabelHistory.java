package org.instructforge.web.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.web.labeling.TaskKind;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A labeler's submitted work, newest first: demonstrations (with the texts revisions replaced), rankings (with the
 * versions revisions replaced) and comparison judgements, searchable by the prompt's or the answer's text.
 */
@Service
class LabelHistory {

    static final int PAGE_SIZE = 20;

    /** One earlier version: what it said and when it was submitted and replaced. */
    public record Version(String content, Instant submittedAt, Instant replacedAt) {}

    /**
     * One submitted label. {@code content} is the demonstration's text, the ranking in the labeler's display order
     * ("A 1 · B 2 · C 2 · D 4", or why it is not rankable), or the judgement.
     *
     * @param usedByRun the first training run that read it (then it cannot be revised), or null
     * @param leaseId the task's lease, through which a ranking is revised on its page
     */
    public record Entry(
            TaskKind kind,
            long id,
            long leaseId,
            String prompt,
            String content,
            String status,
            Instant submittedAt,
            Long usedByRun,
            boolean revisable,
            List<Version> earlier) {

        /**
         * Why a submitted demonstration or ranking no run has read cannot be revised: a reviewer decided on it
         * ({@code label_revisable}, V051, is the rule; this only picks the message).
         */
        public boolean decidedByReviewer() {
            return !revisable && usedByRun == null && kind != TaskKind.COMPARISON && "SUBMITTED".equals(status);
        }

        public String revisePath() {
            return kind == TaskKind.DEMONSTRATION
                    ? "/labeler/history/demonstrations/" + id + "/revise"
                    : "/labeler/rankings/" + leaseId + "/revise";
        }
    }

    public record Page(List<Entry> entries, long total, int page, String query) {
        public boolean hasNext() {
            return (long) (page + 1) * PAGE_SIZE < total;
        }

        public boolean hasPrevious() {
            return page > 0;
        }
    }

    /** The ranking in display order, from the entries' ranks (current version) or a revision's JSON. */
    private static final String RANKING_CONTENT = """
            CASE WHEN r.not_rankable THEN 'Not rankable: ' || r.not_rankable_reason ELSE
              (SELECT string_agg(chr(64 + o.n::int) || ' ' || coalesce(e.rank::text, '-'), ' · ' ORDER BY o.n)
               FROM jsonb_array_elements_text(r.display_order) WITH ORDINALITY o(candidate, n)
               JOIN ranking_entry e ON e.ranking_id = r.id AND e.candidate_id = o.candidate::bigint) END""";

    private static final String ENTRIES = """
            SELECT 'DEMONSTRATION' AS kind, d.id, 0 AS lease_id, p.text AS prompt, d.text AS content, d.status,
                   d.submitted_at,
                   (SELECT min(u.run_id) FROM training_run_demonstration u WHERE u.demonstration_id = d.id) AS used,
                   label_revisable('DEMONSTRATION', d.id) AS revisable
            FROM demonstration d JOIN prompt p ON p.id = d.prompt_id
            WHERE d.labeler_id = :me AND d.status <> 'DRAFT'
            UNION ALL
            SELECT 'RANKING', r.id,
                   (SELECT a.id FROM task_assignment a WHERE a.ranking_task_id = r.task_id AND a.labeler_id = r.labeler_id
                    AND a.status = 'SUBMITTED'),
                   p.text, """ + RANKING_CONTENT + """
                   , 'SUBMITTED', r.submitted_at,
                   (SELECT min(u.run_id) FROM training_run_ranking u WHERE u.ranking_id = r.id),
                   label_revisable('RANKING', r.id)
            FROM ranking r JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
            WHERE r.labeler_id = :me
            UNION ALL
            SELECT 'COMPARISON', j.id, 0, p.text,
                   CASE j.preferred WHEN 'TIE' THEN 'Tie' WHEN 'BOTH_BAD' THEN 'Both bad'
                        WHEN (CASE WHEN j.a_shown_first THEN 'A' ELSE 'B' END) THEN 'Left was better'
                        ELSE 'Right was better' END,
                   'SUBMITTED', j.submitted_at, NULL, FALSE
            FROM comparison_judgement j JOIN comparison_task t ON t.id = j.task_id JOIN prompt p ON p.id = t.prompt_id
            WHERE j.labeler_id = :me
            """;

    private static final String MATCHES =
            " WHERE :q = '' OR strpos(lower(h.prompt), lower(:q)) > 0 OR strpos(lower(h.content), lower(:q)) > 0";

    private final JdbcClient jdbc;

    LabelHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    Page page(String username, String query, int page) {
        String q = query == null ? "" : query.strip();
        int p = Math.max(0, page);
        long me = jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .optional()
                .orElse(0L);
        long total = jdbc.sql("SELECT count(*) FROM (" + ENTRIES + ") h" + MATCHES)
                .param("me", me)
                .param("q", q)
                .query(Long.class)
                .single();
        List<Entry> rows = jdbc.sql("SELECT h.* FROM (" + ENTRIES + ") h" + MATCHES
                        + " ORDER BY h.submitted_at DESC, h.kind, h.id DESC LIMIT :size OFFSET :offset")
                .param("me", me)
                .param("q", q)
                .param("size", PAGE_SIZE)
                .param("offset", (long) p * PAGE_SIZE)
                .query((rs, n) -> new Entry(
                        TaskKind.valueOf(rs.getString("kind")),
                        rs.getLong("id"),
                        rs.getLong("lease_id"),
                        rs.getString("prompt"),
                        rs.getString("content"),
                        rs.getString("status"),
                        rs.getTimestamp("submitted_at").toInstant(),
                        rs.getObject("used") == null ? null : rs.getLong("used"),
                        rs.getBoolean("revisable"),
                        new ArrayList<>()))
                .list();
        attachEarlierVersions(rows);
        return new Page(rows, total, p, q);
    }

    /** The versions revisions replaced, newest first, for the demonstrations and rankings on the page. */
    private void attachEarlierVersions(List<Entry> rows) {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        rows.forEach(e -> byKey.put(e.kind() + ":" + e.id(), e));
        List<Long> demonstrations = ids(rows, TaskKind.DEMONSTRATION);
        List<Long> rankings = ids(rows, TaskKind.RANKING);
        jdbc.sql("""
                        SELECT 'DEMONSTRATION:' || demonstration_id, text, submitted_at, replaced_at
                        FROM demonstration_revision WHERE demonstration_id IN (:d)
                        UNION ALL
                        SELECT 'RANKING:' || v.ranking_id,
                               CASE WHEN v.not_rankable THEN 'Not rankable: ' || v.not_rankable_reason ELSE
                                 (SELECT string_agg((x.e ->> 'letter') || ' ' || coalesce(x.e ->> 'rank', '-'), ' · '
                                                    ORDER BY x.n)
                                  FROM jsonb_array_elements(v.entries) WITH ORDINALITY x(e, n)) END,
                               v.submitted_at, v.replaced_at
                        FROM ranking_revision v WHERE v.ranking_id IN (:r)
                        ORDER BY 4 DESC""")
                .param("d", demonstrations.isEmpty() ? List.of(-1L) : demonstrations)
                .param("r", rankings.isEmpty() ? List.of(-1L) : rankings)
                .query((rs, n) -> {
                    byKey.get(rs.getString(1))
                            .earlier()
                            .add(new Version(
                                    rs.getString(2),
                                    rs.getTimestamp(3).toInstant(),
                                    rs.getTimestamp(4).toInstant()));
                    return null;
                })
                .list();
    }

    private static List<Long> ids(List<Entry> rows, TaskKind kind) {
        return rows.stream().filter(e -> e.kind() == kind).map(Entry::id).toList();
    }
}
