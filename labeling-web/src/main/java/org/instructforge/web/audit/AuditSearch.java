package org.instructforge.web.audit;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log as admins search it: newest first, a page at a time, narrowed by who acted, what they did and the
 * days (UTC) it happened on. Every filter is optional; together they all apply.
 */
@Service
public class AuditSearch {

    /** Lines per page. */
    public static final int PAGE_SIZE = 50;

    /**
     * What to look for; null or blank means any.
     *
     * @param person the acting account's user name, exactly ("system" for lines written by the system itself)
     * @param action the action, exactly (e.g. {@code review.rejected})
     * @param from the first day (UTC) to include
     * @param to the last day (UTC) to include
     * @param page 1 for the newest lines
     */
    public record Filter(String person, String action, LocalDate from, LocalDate to, int page) {

        public Filter {
            person = person == null || person.isBlank() ? null : person.strip();
            action = action == null || action.isBlank() ? null : action.strip();
            if (page < 1) {
                throw new InvalidFilterException("The page number starts at 1.");
            }
            if (from != null && to != null && from.isAfter(to)) {
                throw new InvalidFilterException("The first day comes after the last day.");
            }
        }
    }

    /** One page of lines, with how many match in all. */
    public record Page(List<AuditRecord> lines, long total, int page) {

        public int pages() {
            return (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        }

        public boolean hasNewer() {
            return page > 1;
        }

        public boolean hasOlder() {
            return page < pages();
        }

        public long firstShown() {
            return lines.isEmpty() ? 0 : (long) (page - 1) * PAGE_SIZE + 1;
        }

        public long lastShown() {
            return (long) (page - 1) * PAGE_SIZE + lines.size();
        }
    }

    /** A filter that cannot be applied; the message is for the admin. */
    public static final class InvalidFilterException extends IllegalArgumentException {
        InvalidFilterException(String message) {
            super(message);
        }
    }

    private static final String MATCHING = """
            FROM audit_log
            WHERE (CAST(:person AS TEXT) IS NULL OR COALESCE(actor_username, 'system') = :person)
              AND (CAST(:action AS TEXT) IS NULL OR action = :action)
              AND (CAST(:from AS TIMESTAMPTZ) IS NULL OR occurred_at >= :from)
              AND (CAST(:until AS TIMESTAMPTZ) IS NULL OR occurred_at < :until)
            """;

    private final JdbcClient jdbc;

    AuditSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Page search(Filter filter) {
        long total = bind(jdbc.sql("SELECT count(*) " + MATCHING), filter)
                .query(Long.class)
                .single();
        List<AuditRecord> lines = bind(
                        jdbc.sql("SELECT occurred_at, actor_username, action, target_type, target_id, details::text "
                                + MATCHING + " ORDER BY occurred_at DESC, id DESC LIMIT :limit OFFSET :offset"),
                        filter)
                .param("limit", PAGE_SIZE)
                .param("offset", (long) (filter.page() - 1) * PAGE_SIZE)
                .query((rs, n) -> new AuditRecord(
                        rs.getTimestamp(1).toInstant(),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
        return new Page(lines, total, filter.page());
    }

    /** Every action the log holds, for the filter's choice list. */
    @Transactional(readOnly = true)
    public List<String> actions() {
        return jdbc.sql("SELECT DISTINCT action FROM audit_log ORDER BY action")
                .query(String.class)
                .list();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, Filter filter) {
        return sql.param("person", filter.person())
                .param("action", filter.action())
                .param("from", filter.from() == null ? null : startOf(filter.from()))
                .param("until", filter.to() == null ? null : startOf(filter.to().plusDays(1)));
    }

    private static Timestamp startOf(LocalDate day) {
        return Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
