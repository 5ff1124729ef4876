package org.instructforge.web.labeling;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What is waiting for one labeler, and what they have done. */
@Service
public class TaskQueue {

    /** Counts per task kind for one labeler. */
    public record Summary(
            long demonstrationsWaiting,
            long rankingsWaiting,
            long comparisonsWaiting,
            long demonstrationsDone,
            long rankingsDone,
            long comparisonsDone) {

        public boolean nothingWaiting() {
            return demonstrationsWaiting + rankingsWaiting + comparisonsWaiting == 0;
        }
    }

    private final JdbcClient jdbc;

    TaskQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Summary summaryFor(String username) {
        return jdbc.sql("""
                        WITH me AS (SELECT id FROM app_user WHERE username = :username)
                        SELECT
                          (SELECT count(*) FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id
                            WHERE d.status = 'ACTIVE' AND p.status = 'ACTIVE'
                              AND p.pii_status IN ('CLEAN', 'SCRUBBED')
                              AND NOT EXISTS (SELECT 1 FROM demonstration x WHERE x.prompt_id = p.id
                                                AND x.status = 'SUBMITTED')
                              AND NOT EXISTS (SELECT 1 FROM task_assignment a, me WHERE a.prompt_id = p.id
                                                AND a.labeler_id = me.id)),
                          (SELECT count(*) FROM ranking_task t WHERE t.status = 'OPEN'
                              AND NOT EXISTS (SELECT 1 FROM task_assignment a, me WHERE a.ranking_task_id = t.id
                                                AND a.labeler_id = me.id)
                              AND NOT EXISTS (SELECT 1 FROM ranking_candidate c, me WHERE c.task_id = t.id
                                                AND c.author_user_id = me.id)),
                          (SELECT count(*) FROM comparison_task t WHERE t.status = 'OPEN'
                              AND NOT EXISTS (SELECT 1 FROM task_assignment a, me WHERE a.comparison_task_id = t.id
                                                AND a.labeler_id = me.id)),
                          (SELECT count(*) FROM demonstration x, me WHERE x.labeler_id = me.id AND x.status = 'SUBMITTED'),
                          (SELECT count(*) FROM ranking r, me WHERE r.labeler_id = me.id),
                          (SELECT count(*) FROM comparison_judgement j, me WHERE j.labeler_id = me.id)
                        """)
                .param("username", username)
                .query((rs, row) -> new Summary(
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)))
                .single();
    }
}
