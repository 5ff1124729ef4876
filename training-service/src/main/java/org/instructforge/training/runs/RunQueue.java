package org.instructforge.training.runs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.RunExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training-run queue in PostgreSQL. A worker claims the oldest QUEUED run with {@code FOR UPDATE SKIP LOCKED},
 * so any number of workers share the queue and no run is claimed twice. Every later write for the run goes through
 * the {@link RunFence}: a worker that was given up for dead and comes back can no longer touch a run another worker
 * (or a later life of its own) has claimed since.
 */
@Component
class RunQueue {

    /** What the worker learns from a heartbeat. */
    enum Signal {
        CONTINUE,
        CANCEL,
        /** The run is no longer this worker's (recovered by another worker, or deleted): stop without writing. */
        LOST
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final RunFence fence;

    RunQueue(JdbcClient jdbc, RunFence fence) {
        this.jdbc = jdbc;
        this.fence = fence;
    }

    /** Claims the oldest queued run, whatever its memory estimate (tests that play several workers). */
    public Optional<ClaimedRun> claim(String worker) {
        return claim(worker, Long.MAX_VALUE);
    }

    /**
     * Claims the oldest queued run this worker's device can hold: a local run whose memory estimate (V069) exceeds
     * {@code deviceBytes} is left to a worker with more ({@link WorkerDevices#noteTooLarge} says so in its log).
     */
    @Transactional
    public Optional<ClaimedRun> claim(String worker, long deviceBytes) {
        return jdbc.sql("""
                        UPDATE training_run SET status = 'RUNNING', worker_id = :worker, heartbeat_at = now(),
                               started_at = COALESCE(started_at, now()), attempts = attempts + 1
                        WHERE id = (SELECT id FROM training_run WHERE status = 'QUEUED'
                                      AND (executor <> 'local' OR memory_estimate_bytes IS NULL
                                           OR memory_estimate_bytes <= :deviceBytes)
                                    ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                        RETURNING id, run_type, name, hyperparameters::text, data_selection::text,
                                  base_checkpoint_id, reward_checkpoint_id, label_round_id, attempts, worker_id,
                                  created_at, executor
                        """)
                .param("worker", worker)
                .param("deviceBytes", deviceBytes)
                .query(RunQueue::claimed)
                .optional();
    }

    private static ClaimedRun claimed(ResultSet rs, int row) throws SQLException {
        return new ClaimedRun(
                rs.getLong("id"),
                RunType.valueOf(rs.getString("run_type")),
                rs.getString("name"),
                JSON.readTree(rs.getString("hyperparameters")),
                JSON.readValue(rs.getString("data_selection"), DataSelection.class),
                (Long) rs.getObject("base_checkpoint_id"),
                (Long) rs.getObject("reward_checkpoint_id"),
                (Long) rs.getObject("label_round_id"),
                rs.getInt("attempts"),
                rs.getString("worker_id"),
                rs.getTimestamp("created_at").toInstant(),
                RunExecutor.parse(rs.getString("executor")).orElseThrow());
    }

    /**
     * Says the worker is alive and answers whether the run should go on; a worker that lost the run is told so. Tried
     * once: a heartbeat the database missed is followed by the next.
     */
    public Signal heartbeat(ClaimedRun run) {
        try {
            String status = fence.writeOnce(
                    run,
                    () -> jdbc.sql("UPDATE training_run SET heartbeat_at = now() WHERE id = :id RETURNING status")
                            .param("id", run.id())
                            .query(String.class)
                            .single());
            return RunStatus.valueOf(status) == RunStatus.CANCEL_REQUESTED ? Signal.CANCEL : Signal.CONTINUE;
        } catch (RunLost e) {
            return Signal.LOST;
        }
    }

    public void totalSteps(ClaimedRun run, int total) {
        fence.write(
                run,
                () -> jdbc.sql("UPDATE training_run SET total_steps = :total WHERE id = :id")
                        .param("total", total)
                        .param("id", run.id())
                        .update());
    }

    public void progress(ClaimedRun run, int step) {
        fence.write(
                run,
                () -> jdbc.sql("""
                        UPDATE training_run SET current_step = :step, heartbeat_at = now(),
                               progress = CASE WHEN total_steps > 0 THEN LEAST(1.0, :step::float8 / total_steps)
                                               ELSE progress END
                        WHERE id = :id
                        """).param("step", step).param("id", run.id()).update());
    }

    /**
     * Ends the run. A run that was asked to cancel ends CANCELLED whatever the worker says; a SUCCEEDED run gets
     * progress 1 and its output checkpoint. A run that ends other than SUCCEEDED fails the round it was filling in
     * the same transaction, so that round never opens half-written.
     */
    public void finish(ClaimedRun run, RunStatus status, String error, Long outputCheckpoint) {
        fence.write(run, () -> {
            jdbc.sql("""
                            UPDATE training_run SET
                                   status = CASE WHEN status = 'CANCEL_REQUESTED' AND :status <> 'SUCCEEDED'
                                                 THEN 'CANCELLED' ELSE :status END,
                                   error_message = :error,
                                   output_checkpoint_id = COALESCE(:output, output_checkpoint_id),
                                   progress = CASE WHEN :status = 'SUCCEEDED' THEN 1 ELSE progress END,
                                   finished_at = now(), heartbeat_at = now()
                            WHERE id = :id
                            """)
                    .param("status", status.name())
                    .param("error", error)
                    .param("output", outputCheckpoint)
                    .param("id", run.id())
                    .update();
            if (status != RunStatus.SUCCEEDED) {
                failRoundOf(run.id());
            }
        });
    }

    /** Gives a run back to the queue (this worker is shutting down): the next claim resumes it. */
    public void release(ClaimedRun run) {
        fence.write(run, () -> jdbc.sql("""
                        UPDATE training_run SET status = CASE WHEN status = 'CANCEL_REQUESTED' THEN 'CANCELLED'
                                                              ELSE 'QUEUED' END,
                               finished_at = CASE WHEN status = 'CANCEL_REQUESTED' THEN now() END,
                               worker_id = NULL, attempts = GREATEST(0, attempts - 1)
                        WHERE id = :id
                        """).param("id", run.id()).update());
    }

    /** A run that went back to the queue or failed because its worker died. */
    record Recovered(long id, RunStatus status, String previousWorker) {}

    /**
     * Runs whose worker died: every run held by {@code restartedWorker} (this worker's earlier life) and every run
     * whose heartbeat is older than {@code staleAfter}. Each goes back to the queue to resume from its last
     * checkpoint, or FAILED once it has been claimed {@code maxAttempts} times; one that was being cancelled is
     * CANCELLED. Never leaves a run "running" without a live worker.
     */
    @Transactional
    public List<Recovered> recover(String restartedWorker, Duration staleAfter, int maxAttempts) {
        return jdbc.sql("""
                        UPDATE training_run r SET
                               status = CASE WHEN r.status = 'CANCEL_REQUESTED' THEN 'CANCELLED'
                                             WHEN r.attempts >= :maxAttempts THEN 'FAILED' ELSE 'QUEUED' END,
                               error_message = CASE
                                   WHEN r.status = 'CANCEL_REQUESTED' THEN r.error_message
                                   WHEN r.attempts >= :maxAttempts THEN 'Worker ' || COALESCE(r.worker_id, '?')
                                        || ' stopped while running it, ' || r.attempts || ' time(s); gave up'
                                   ELSE r.error_message END,
                               finished_at = CASE WHEN r.status = 'CANCEL_REQUESTED' OR r.attempts >= :maxAttempts
                                                  THEN now() END,
                               worker_id = CASE WHEN r.status = 'RUNNING' AND r.attempts < :maxAttempts
                                                THEN NULL ELSE r.worker_id END
                        FROM (SELECT id, worker_id AS previous FROM training_run
                              WHERE status IN ('RUNNING', 'CANCEL_REQUESTED')
                                AND (worker_id = :worker OR heartbeat_at IS NULL
                                     OR heartbeat_at < now() - make_interval(secs => :staleSeconds))
                              FOR UPDATE SKIP LOCKED) stale
                        WHERE r.id = stale.id
                        RETURNING r.id, r.status, stale.previous
                        """)
                .param("worker", restartedWorker)
                .param("staleSeconds", (double) staleAfter.toMillis() / 1000.0)
                .param("maxAttempts", maxAttempts)
                .query((rs, row) -> new Recovered(rs.getLong(1), RunStatus.valueOf(rs.getString(2)), rs.getString(3)))
                .list();
    }

    /** The round a CANDIDATES or EVALUATION run was filling failed with it: it never opens half-written. */
    void failRoundOf(long runId) {
        jdbc.sql("""
                        UPDATE label_round SET status = 'FAILED'
                        WHERE id = (SELECT label_round_id FROM training_run WHERE id = :run) AND status = 'GENERATING'
                        """).param("run", runId).update();
    }
}
