package org.instructforge.web.ranking;

import org.instructforge.web.account.Accounts;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rankings of AI-feedback rounds (RLAIF) as the training service writes them: by the AI labeler, marked AI. */
public final class AiFeedbackFixtures {

    private AiFeedbackFixtures() {}

    /** The AI labeler ranks the task's outputs in reverse of their positions (the last output best). */
    public static long reversedAiRanking(JdbcClient jdbc, long taskId) {
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, feedback_source, display_order)
                        SELECT :t, u.id, 'AI', '[]'::jsonb FROM app_user u WHERE u.username = :ai RETURNING id""")
                .param("t", taskId)
                .param("ai", Accounts.AI_LABELER)
                .query(Long.class)
                .single();
        jdbc.sql("""
                        INSERT INTO ranking_entry (ranking_id, candidate_id, rank)
                        SELECT :r, c.id, (SELECT count(*) FROM ranking_candidate o WHERE o.task_id = c.task_id) - c.position
                        FROM ranking_candidate c WHERE c.task_id = :t""").param("r", ranking).param("t", taskId).update();
        return ranking;
    }
}
