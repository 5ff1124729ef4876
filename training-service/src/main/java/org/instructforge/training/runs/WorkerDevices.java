package org.instructforge.training.runs;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Runs this worker has said it passes over: once per run and worker life, not every poll. */
    private final Set<Long> noted = ConcurrentHashMap.newKeySet();

    WorkerDevices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** This worker is alive on this device: writes (or refreshes) its row. */
    void register(String worker, WorkerDevice device) {
        jdbc.sql("""
                        INSERT INTO training_worker (worker_id, device_kind, device_name, memory_bytes)
                        VALUES (:worker, :kind, :name, :bytes)
                        ON CONFLICT (worker_id) DO UPDATE SET device_kind = EXCLUDED.device_kind,
                            device_name = EXCLUDED.device_name, memory_bytes = EXCLUDED.memory_bytes, seen_at = now()
                        """)
                .param("worker", worker)
                .param("kind", device.kind())
                .param("name", device.name())
                .param("bytes", device.memoryBytes())
                .update();
    }

    /** A clean stop: this worker's device no longer counts for the dashboard. */
    void unregister(String worker) {
        jdbc.sql("DELETE FROM training_worker WHERE worker_id = :worker")
                .param("worker", worker)
                .update();
    }

    /**
     * Writes one line in the log of each queued local run this device cannot hold (once per run), with the numbers,
     * and answers those it wrote about now.
     */
    List<TooLarge> noteTooLarge(String worker, WorkerDevice device) {
        List<TooLarge> tooLarge = jdbc
                .sql("""
                        SELECT id, memory_estimate_bytes FROM training_run
                        WHERE status = 'QUEUED' AND executor = 'local' AND memory_estimate_bytes > :bytes
                        ORDER BY id""")
                .param("bytes", device.memoryBytes())
                .query((rs, row) -> new TooLarge(rs.getLong(1), rs.getLong(2)))
                .list()
                .stream()
                .filter(run -> noted.add(run.runId()))
                .toList();
        for (TooLarge run : tooLarge) {
            jdbc.sql("INSERT INTO training_run_log (run_id, level, message) VALUES (:run, 'INFO', :message)")
                    .param("run", run.runId())
                    .param(
                            "message",
                            "Worker " + worker + " passes over this run: it needs an estimated "
                                    + RunMemory.formatBytes(run.estimateBytes()) + " (" + run.estimateBytes()
                                    + " bytes) and the worker's " + device.describe() + " (" + device.memoryBytes()
                                    + " bytes) cannot hold it; it waits for a worker with more memory")
                    .update();
        }
        return tooLarge;
    }
}
