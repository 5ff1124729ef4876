package org.instructforge.web.training;

import java.util.Optional;
import org.instructforge.shared.memory.RunMemory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The training workers' devices as they registered them in {@code training_worker} (V069): the largest is what a
 * local run must fit. Only live workers count ({@code live_training_worker}, V071: seen within their stale limit),
 * not the row a crashed worker left behind.
 */
@Component
class TrainingWorkers {

    /** A worker's device and the memory runs may use on it. */
    record Device(String workerId, String kind, String name, long memoryBytes) {

        /** "GPU gpu(0) with 80.0 GiB (worker gpu-host-1)". */
        String describe() {
            return kind + " " + name + " with " + RunMemory.formatBytes(memoryBytes) + " (worker " + workerId + ")";
        }
    }

    private final JdbcClient jdbc;

    TrainingWorkers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The live worker with the most memory; empty when none is. */
    Optional<Device> largest() {
        return jdbc.sql("""
                        SELECT worker_id, device_kind, device_name, memory_bytes FROM live_training_worker
                        ORDER BY memory_bytes DESC, worker_id LIMIT 1""")
                .query((rs, n) -> new Device(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .optional();
    }
}
