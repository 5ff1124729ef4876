package org.instructforge.training.runs;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.instructforge.training.BaseModel;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Labeling-table rows as the web app writes them, for the worker's tests. */
final class LoopFixtures {

    /** Task-family prompts the base model knows, with the answers a labeler would write. */
    static final List<String[]> TASKS = List.of(
            new String[] {"What is 2 + 3?", "5"},
            new String[] {"What is the capital of France?", "Paris"},
            new String[] {"Reverse the word 'cat'.", "tac"},
            new String[] {"What is 7 + 1?", "8"},
            new String[] {"Sort these words: pear, apple, fig", "apple, fig, pear"},
            new String[] {"What is 4 + 4?", "8"},
            new String[] {"What is the capital of Italy?", "Rome"},
            new String[] {"Write the word 'dog' in capital letters.", "DOG"});

    private final JdbcClient jdbc;
    final String tag = UUID.randomUUID().toString().substring(0, 8);

    LoopFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Ends every run earlier tests left open, so that the worker claims only the test's own. */
    void cancelOpenRuns() {
        jdbc.sql("UPDATE training_run SET status = 'CANCELLED', finished_at = now()"
                        + " WHERE status IN ('QUEUED', 'RUNNING', 'CANCEL_REQUESTED')")
                .update();
    }

    long dataset() {
        return jdbc.sql("INSERT INTO prompt_dataset (name) VALUES (:n) RETURNING id")
                .param("n", "loop-" + tag)
                .query(Long.class)
                .single();
    }

    long prompt(long dataset, String text, String split) {
        return jdbc.sql("""
                        INSERT INTO prompt (dataset_id, text, source_user_id, source_kind, dedup_key, content_hash,
                                            split, pii_status)
                        VALUES (:d, :t, :u, 'CUSTOMER', md5(:t), md5(:t), :split, 'CLEAN') RETURNING id""")
                .param("d", dataset)
                .param("t", text)
                .param("u", "author-" + text.hashCode())
                .param("split", split)
                .query(Long.class)
                .single();
    }

    long labeler(String name) {
        return jdbc.sql(
                        "INSERT INTO app_user (username, display_name, password_hash) VALUES (:u, :u, 'x') RETURNING id")
                .param("u", name + "-" + tag)
                .query(Long.class)
                .single();
    }

    void demonstration(long prompt, long labeler, String text) {
        jdbc.sql("""
                        INSERT INTO demonstration (prompt_id, labeler_id, text, status, submitted_at)
                        VALUES (:p, :l, :t, 'SUBMITTED', now())""").param("p", prompt).param("l", labeler).param("t", text).update();
    }

    /** A dataset whose TRAIN prompts each have a submitted demonstration. */
    long datasetWithDemonstrations() {
        long dataset = dataset();
        long labeler = labeler("writer");
        for (String[] task : TASKS) {
            demonstration(prompt(dataset, task[0], "TRAIN"), labeler, task[1]);
        }
        return dataset;
    }

    /** A ranking task of the outputs (positions in order), ranked by the labeler (equal ranks are a tie). */
    void ranking(long prompt, long labeler, List<String> outputs, List<Integer> ranks) {
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id) VALUES (:p) RETURNING id")
                .param("p", prompt)
                .query(Long.class)
                .single();
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, display_order) VALUES (:t, :l, '[]') RETURNING id""")
                .param("t", task)
                .param("l", labeler)
                .query(Long.class)
                .single();
        for (int position = 0; position < outputs.size(); position++) {
            jdbc.sql("""
                            WITH c AS (INSERT INTO ranking_candidate (task_id, position, text)
                                       VALUES (:t, :pos, :text) RETURNING id)
                            INSERT INTO ranking_entry (ranking_id, candidate_id, rank) SELECT :r, c.id, :rank FROM c""")
                    .param("r", ranking)
                    .param("rank", ranks.get(position))
                    .param("t", task)
                    .param("pos", position)
                    .param("text", outputs.get(position))
                    .update();
        }
    }

    /**
     * A dataset whose TRAIN prompts each have a ranking of four outputs: the labeler's answer first, two wrong ones
     * tied, garbage last (so every ranking has strict pairs and a tie the trainers drop).
     */
    long datasetWithRankings() {
        long dataset = dataset();
        long labeler = labeler("ranker");
        for (String[] task : TASKS) {
            ranking(
                    prompt(dataset, task[0], "TRAIN"),
                    labeler,
                    List.of(task[1], "I do not know.", "Maybe.", "zzzz"),
                    List.of(1, 2, 2, 3));
        }
        return dataset;
    }

    long checkpoint(String name, String kind, Path dir) {
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path)
                        VALUES (:n, :k, 'READY', :p) RETURNING id""")
                .param("n", name + "-" + tag)
                .param("k", kind)
                .param("p", dir.toAbsolutePath().toString())
                .query(Long.class)
                .single();
    }

    long baseCheckpoint() {
        return checkpoint("base", "BASE", BaseModel.dir());
    }

    long run(String type, String hyperparameters, long dataset, Long start, Long reward, Long round) {
        return jdbc.sql("""
                        INSERT INTO training_run (run_type, hyperparameters, data_selection, base_checkpoint_id,
                                                  reward_checkpoint_id, label_round_id)
                        VALUES (:type, CAST(:h AS jsonb), CAST(:d AS jsonb), :start, :reward, :round) RETURNING id""")
                .param("type", type)
                .param("h", hyperparameters)
                .param("d", "{\"datasetIds\":[" + dataset + "],\"roundIds\":[],\"includeAiFeedback\":false}")
                .param("start", start)
                .param("reward", reward)
                .param("round", round)
                .query(Long.class)
                .single();
    }

    String status(long run) {
        return jdbc.sql("SELECT status FROM training_run WHERE id = :id")
                .param("id", run)
                .query(String.class)
                .single();
    }

    List<String> log(long run) {
        return jdbc.sql("SELECT level || ' ' || message FROM training_run_log WHERE run_id = :id ORDER BY id")
                .param("id", run)
                .query(String.class)
                .list();
    }
}
