package org.instructforge.web.labeling;

import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Whether a training run has used a label, which ends its labeler's right to revise it. Known from the rows the
 * training service writes when a run reads its labels ({@code training_run_demonstration}, {@code
 * training_run_ranking}, V035): it reads and records them in one transaction under a share lock on each label row,
 * and a revision locks the row for update before asking here, so the answer cannot go stale before the revision
 * commits.
 */
@Component
public class RunUse {

    /** The two kinds of label a run trains on. */
    public enum Label {
        DEMONSTRATION("training_run_demonstration", "demonstration_id", "demonstration"),
        RANKING("training_run_ranking", "ranking_id", "ranking");

        private final String table;
        private final String column;
        private final String noun;

        Label(String table, String column, String noun) {
            this.table = table;
            this.column = column;
            this.noun = noun;
        }
    }

    private final JdbcClient jdbc;

    RunUse(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The first run that read this label, if any. */
    public Optional<Long> firstRun(Label label, long id) {
        return jdbc.sql("SELECT run_id FROM " + label.table + " WHERE " + label.column
                        + " = :id ORDER BY run_id LIMIT 1")
                .param("id", id)
                .query(Long.class)
                .optional();
    }

    /**
     * Refuses (409) a revision of a label a run has read, or one a reviewer has decided on (accepted, edited or
     * rejected: the decision was about the text they read; a label picked for review and still waiting may change,
     * and the reviewer sees the new version); the caller holds the label row's update lock.
     */
    public void requireUnused(Label label, long id) {
        firstRun(label, id).ifPresent(run -> {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "Training run #" + run + " has used this " + label.noun + ", so it can no longer be revised.");
        });
        boolean decided = jdbc.sql("SELECT coalesce(review_status NOT IN ('PENDING'), false) FROM " + label.noun
                        + " WHERE id = :id")
                .param("id", id)
                .query(Boolean.class)
                .optional()
                .orElse(false);
        if (decided) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "A reviewer has decided on this " + label.noun + ", so it can no longer be revised.");
        }
    }
}
