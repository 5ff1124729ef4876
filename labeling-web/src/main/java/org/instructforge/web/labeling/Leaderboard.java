package org.instructforge.web.labeling;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Labelers' own counts and the week's leaderboard, shown on their home page. Both count tasks submitted through the
 * queue, so AI feedback (written by the training service, never leased) is never among them.
 */
@Service
public class Leaderboard {

    /** One row: a labeler's display name and their submitted tasks in the last 7 days. */
    public record Entry(int place, String displayName, long tasks, boolean you) {}

    /** The labeler's own counts. */
    public record Mine(long today, long thisWeek, long total) {}

    private static final int SIZE = 10;

    private final JdbcClient jdbc;

    Leaderboard(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Mine mine(String username) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE a.completed_at >= date_trunc('day', now())),
                               count(*) FILTER (WHERE a.completed_at >= now() - interval '7 days'),
                               count(*)
                        FROM task_assignment a JOIN app_user u ON u.id = a.labeler_id
                        WHERE u.username = :u AND a.status = 'SUBMITTED'""")
                .param("u", username)
                .query((rs, n) -> new Mine(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
    }

    /** The top labelers of the last 7 days (enabled accounts with labels counted), of one team (0: of everyone). */
    @Transactional(readOnly = true)
    public List<Entry> week(String username, long team) {
        return jdbc.sql("""
                        SELECT u.display_name, count(*) AS tasks, u.username = :u
                        FROM task_assignment a JOIN app_user u ON u.id = a.labeler_id
                        WHERE a.status = 'SUBMITTED' AND a.completed_at >= now() - interval '7 days'
                          AND u.enabled AND NOT u.labels_excluded
                          AND (:team = 0 OR EXISTS (SELECT 1 FROM team_member m WHERE m.user_id = u.id
                                                    AND m.team_id = :team))
                        GROUP BY u.id, u.display_name, u.username ORDER BY tasks DESC, u.display_name LIMIT :n""")
                .param("u", username)
                .param("n", SIZE)
                .param("team", team)
                .query((rs, n) -> new Entry(n + 1, rs.getString(1), rs.getLong(2), rs.getBoolean(3)))
                .list();
    }
}
