package org.instructforge.web.training;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rows a run request reads, written straight into the shared test database: datasets, prompts, labels and
 * checkpoints with unique names, so tests never see each other's data.
 */
final class RunFixtures {

    private final JdbcClient jdbc;

    RunFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    long dataset() {
        return jdbc.sql("INSERT INTO prompt_dataset (name) VALUES (:name) RETURNING id")
                .param("name", unique("runs dataset"))
                .query(Long.class)
                .single();
    }

    void archive(long datasetId) {
        jdbc.sql("UPDATE prompt_dataset SET status = 'ARCHIVED' WHERE id = :id")
                .param("id", datasetId)
                .update();
    }

    long prompt(long datasetId, String split) {
        String text = unique("Explain photosynthesis");
        return jdbc.sql("""
                        INSERT INTO prompt (dataset_id, text, source_user_id, source_kind, split, pii_status,
                                            dedup_key, content_hash)
                        VALUES (:d, :text, 'u1', 'CUSTOMER', :split, 'CLEAN', :text, :text) RETURNING id""")
                .param("d", datasetId)
                .param("text", text)
                .param("split", split)
                .query(Long.class)
                .single();
    }

    long user(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .single();
    }

    /** A submitted demonstration by the demo labeler. */
    void demonstration(long promptId) {
        jdbc.sql("""
                        INSERT INTO demonstration (prompt_id, labeler_id, text, status, submitted_at)
                        VALUES (:p, :l, 'Plants turn light into sugar.', 'SUBMITTED', now())""").param("p", promptId).param("l", user("labeler")).update();
    }

    long rankingRound(long datasetId) {
        return jdbc.sql("INSERT INTO label_round (dataset_id, kind, name) VALUES (:d, 'RANKING', :n) RETURNING id")
                .param("d", datasetId)
                .param("n", unique("round"))
                .query(Long.class)
                .single();
    }

    /** A ranking task of four outputs of the prompt (in the round, if any), ranked 1..4 by the demo labeler. */
    void ranking(long promptId, Long roundId, String feedbackSource) {
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id, round_id) VALUES (:p, :r) RETURNING id")
                .param("p", promptId)
                .param("r", roundId)
                .query(Long.class)
                .single();
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, feedback_source, display_order)
                        VALUES (:t, :l, :source, '[]') RETURNING id""")
                .param("t", task)
                .param("l", user("labeler"))
                .param("source", feedbackSource)
                .query(Long.class)
                .single();
        for (int position = 0; position < 4; position++) {
            long candidate = jdbc.sql("""
                            INSERT INTO ranking_candidate (task_id, position, text) VALUES (:t, :p, :text)
                            RETURNING id""")
                    .param("t", task)
                    .param("p", position)
                    .param("text", "answer " + position)
                    .query(Long.class)
                    .single();
            jdbc.sql("INSERT INTO ranking_entry (ranking_id, candidate_id, rank) VALUES (:r, :c, :rank)")
                    .param("r", ranking)
                    .param("c", candidate)
                    .param("rank", position + 1)
                    .update();
        }
    }

    long checkpoint(String kind) {
        return checkpoint(kind, "READY");
    }

    long checkpoint(String kind, String status) {
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path)
                        VALUES (:name, :kind, :status, '/tmp/checkpoints/none') RETURNING id""")
                .param("name", unique(kind.toLowerCase()))
                .param("kind", kind)
                .param("status", status)
                .query(Long.class)
                .single();
    }

    /** Records a checkpoint's architecture and shape as the training service does when it registers one (V069). */
    void shape(long checkpoint, org.instructforge.shared.memory.ModelShape shape) {
        jdbc.sql("""
                        UPDATE model_checkpoint SET architecture = :a, parameter_count = :p, hidden_size = :c,
                               num_layers = :l, num_heads = :h, num_kv_heads = :kv, head_dim = :hd,
                               intermediate_size = :i, vocab_size = :v, max_positions = :t, tied_embeddings = :tied
                        WHERE id = :id""")
                .param("a", shape.architecture())
                .param("p", shape.parameters())
                .param("c", shape.hiddenSize())
                .param("l", shape.layers())
                .param("h", shape.heads())
                .param("kv", shape.kvHeads())
                .param("hd", shape.headDim())
                .param("i", shape.intermediateSize())
                .param("v", shape.vocabSize())
                .param("t", shape.maxPositions())
                .param("tied", shape.tiedEmbeddings())
                .param("id", checkpoint)
                .update();
    }

    /** A training worker's row as a worker writes it when it starts (V069); remove it when the test ends. */
    void worker(String id, String kind, long memoryBytes) {
        jdbc.sql("""
                        INSERT INTO training_worker (worker_id, device_kind, device_name, memory_bytes)
                        VALUES (:id, :kind, :name, :bytes)""")
                .param("id", id)
                .param("kind", kind)
                .param("name", kind.equals("GPU") ? "gpu(0)" : "cpu()")
                .param("bytes", memoryBytes)
                .update();
    }

    /** A worker's row last refreshed {@code secondsAgo} ago, as one left behind by a worker that crashed. */
    void lastSeen(String id, int secondsAgo) {
        jdbc.sql("UPDATE training_worker SET seen_at = now() - make_interval(secs => :ago) WHERE worker_id = :id")
                .param("ago", secondsAgo)
                .param("id", id)
                .update();
    }

    /** No worker registered: other tests' runs are not checked against a device this test made up. */
    void removeWorkers() {
        jdbc.sql("DELETE FROM training_worker").update();
    }

    /** A dataset an SFT run can train on (LabelMinimum): two TRAIN prompts with a submitted demonstration each. */
    long sftReadyDataset() {
        long dataset = dataset();
        demonstration(prompt(dataset, "TRAIN"));
        demonstration(prompt(dataset, "TRAIN"));
        return dataset;
    }

    /** A queued SFT run, inserted as the dashboard would. */
    long queuedRun() {
        return jdbc.sql("""
                        INSERT INTO training_run (run_type, name, hyperparameters, data_selection)
                        VALUES ('SFT', :name, '{}', '{"datasetIds":[],"roundIds":[],"includeAiFeedback":false}')
                        RETURNING id""").param("name", unique("queued")).query(Long.class).single();
    }

    /** Moves a run as a worker would: claimed (RUNNING, started a while ago) or finished. */
    void setStatus(long runId, String status) {
        jdbc.sql("""
                        UPDATE training_run SET status = :s,
                            started_at = CASE WHEN :s = 'QUEUED' THEN NULL ELSE now() - interval '100 seconds' END,
                            finished_at = CASE WHEN :s IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN now() END
                        WHERE id = :id""").param("s", status).param("id", runId).update();
    }

    String status(long runId) {
        return jdbc.sql("SELECT status FROM training_run WHERE id = :id")
                .param("id", runId)
                .query(String.class)
                .single();
    }

    /** Metric points of one write of the worker: one transaction, one recorded_at. */
    void metrics(long runId, String name, int fromStep, int toStep) {
        for (int step = fromStep; step <= toStep; step++) {
            jdbc.sql("INSERT INTO training_metric (run_id, name, step, value) VALUES (:r, :n, :s, :v)")
                    .param("r", runId)
                    .param("n", name)
                    .param("s", step)
                    .param("v", 2.0 / (step + 1))
                    .update();
        }
    }

    void log(long runId, String level, String message) {
        jdbc.sql("INSERT INTO training_run_log (run_id, level, message) VALUES (:r, :l, :m)")
                .param("r", runId)
                .param("l", level)
                .param("m", message)
                .update();
    }

    void progress(long runId, double progress, int step, int totalSteps) {
        jdbc.sql("UPDATE training_run SET progress = :p, current_step = :s, total_steps = :t WHERE id = :id")
                .param("p", progress)
                .param("s", step)
                .param("t", totalSteps)
                .param("id", runId)
                .update();
    }

    long runCount() {
        return jdbc.sql("SELECT count(*) FROM training_run").query(Long.class).single();
    }
}
