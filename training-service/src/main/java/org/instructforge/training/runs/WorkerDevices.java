package org.instructforge.training.runs;

import java.time.Duration;
import java.util.List;
import org.instructforge.shared.memory.RunMemory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The workers' devices in {@code training_worker} (V069): each worker says what it can hold, so that the dashboard
 * refuses a run no worker can hold, and says in a run's log why it passes over one that does not fit its device.
 */
@Component
class WorkerDevices {

    /** A queued local run larger than a device. */
    record TooLarge(long runId, long estimateBytes) {}

    private final JdbcClient jdbc;

    WorkerDevices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * This worker is alive on this device: writes (or refreshes) its row, with the stale limit after which the
     * dashboard no longer counts it unless it is seen again ({@code live_training_worker}, V071).
     */
    void register(String worker, WorkerDevice device, Duration staleAfter) {
        jdbc.sql("""
                        INSERT INTO training_worker (worker_id, device_kind, device_name, memory_bytes,
                                                     stale_after_seconds)
                        VALUES (:worker, :kind, :name, :bytes, :stale)
                        ON CONFLICT (worker_id) DO UPDATE SET device_kind = EXCLUDED.device_kind,
                            device_name = EXCLUDED.device_name, memory_bytes = EXCLUDED.memory_bytes,
                            stale_after_seconds = EXCLUDED.stale_after_seconds, seen_at = now()
                        """)
                .param("worker", worker)
                .param("kind", device.kind())
                .param("name", device.name())
                .param("bytes", device.memoryBytes())
                .param("stale", (int) Math.max(1, (staleAfter.toMillis() + 999) / 1000))
                .update();
    }

    /** A worker busy with a run does not poll: its run's heartbeat says it is still alive. */
    void seen(String worker) {
        jdbc.sql("UPDATE training_worker SET seen_at = now() WHERE worker_id = :worker")
                .param("worker", worker)
                .update();
    }

    /** A clean stop: this worker's device no longer counts for the dashboard. */
    void unregister(String worker) {
        jdbc.sql("DELETE FROM training_worker WHERE worker_id = :worker")
                .param("worker", worker)
                .update();
    }

    /**
     * Writes one line in the log of each queued local run this device cannot hold, with the numbers, and answers
     * those it wrote about now. Once per run and worker: the run's log says whether this worker said so already, so a
     * restarted worker does not say it again, and each other worker says it once for itself.
     */
    List<TooLarge> noteTooLarge(String worker, WorkerDevice device) {
        String said = "Worker " + worker + " passes over this run: ";
        List<TooLarge> tooLarge = jdbc.sql("""
                        SELECT r.id, r.memory_estimate_bytes FROM training_run r
                        WHERE r.status = 'QUEUED' AND r.executor = 'local' AND r.memory_estimate_bytes > :bytes
                          AND NOT EXISTS (SELECT 1 FROM training_run_log l
                                          WHERE l.run_id = r.id AND starts_with(l.message, :said))
                        ORDER BY r.id""")
                .param("bytes", device.memoryBytes())
                .param("said", said)
                .query((rs, row) -> new TooLarge(rs.getLong(1), rs.getLong(2)))
                .list();
        for (TooLarge run : tooLarge) {
            jdbc.sql("INSERT INTO training_run_log (run_id, level, message) VALUES (:run, 'INFO', :message)")
                    .param("run", run.runId())
                    .param(
                            "message",
                            said + "it needs an estimated " + RunMemory.formatBytes(run.estimateBytes()) + " ("
                                    + run.estimateBytes() + " bytes) and the worker's " + device.describe() + " ("
                                    + device.memoryBytes() + " bytes) cannot hold it; it waits for a worker with more"
                                    + " memory")
                    .update();
        }
        return tooLarge;
    }
}
