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
     * Refuses (409) a revision of a label that is no longer revisable, as the schema's {@code label_revisable} (V051)
     * decides: a run has read it, or a reviewer has decided on it. The caller holds the label row's update lock, so
     * the answer cannot go stale before the revision commits. The rule lives only in SQL; here only the message.
     */
    public void requireRevisable(Label label, long id) {
        whyNotRevisable(label, id).ifPresent(why -> {
            throw new ResponseStatusException(HttpStatus.CONFLICT, why);
        });
    }

    /**
     * Why this submitted label can no longer be revised, for its pages and the 409; empty while it can. Whether is
     * {@code label_revisable}'s answer; the run or the reviewer only picks the words.
     */
    public Optional<String> whyNotRevisable(Label label, long id) {
        boolean revisable = jdbc.sql("SELECT label_revisable(:kind, :id)")
                .param("kind", label.name())
                .param("id", id)
                .query(Boolean.class)
                .single();
        if (revisable) {
            return Optional.empty();
        }
        String who = firstRun(label, id)
                .map(run -> "Training run #" + run + " has used this " + label.noun)
                .orElse("A reviewer has decided on this " + label.noun);
        return Optional.of(who + ", so it can no longer be revised.");
    }
}
