package org.instructforge.training.runs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How this training-service worker takes runs from the queue and where it keeps what they write.
 *
 * @param workerEnabled whether this process claims runs at all (tests drive the worker by hand)
 * @param workerId this worker's name in {@code training_run.worker_id}; stable across restarts of the same worker,
 *     so a restarted worker requeues its own interrupted run at once (default: the host name). Two workers on one
 *     host need two ids.
 * @param pollInterval how often an idle worker looks for a queued run
 * @param heartbeatInterval how often a busy worker says it is alive (and learns of a cancel)
 * @param staleAfter a run whose heartbeat is older than this has lost its worker
 * @param maxAttempts claims per run: a run whose worker died is resumed until it has been claimed this often
 * @param checkpointRoot where runs keep their resumable state ({@code runs/run-N-TIME}) and the checkpoints they
 *     register ({@code models/NAME})
 * @param baseModel the shipped base model, registered as the BASE checkpoint on first start
 * @param deviceMemory the memory runs may use on this worker's device (e.g. {@code 12GB}); unset: the GPU's memory,
 *     or for a CPU the host's memory less the JVM heap ({@link WorkerDevice}). A run whose estimate exceeds it is
 *     left to a worker with more.
 */
@ConfigurationProperties("instructforge.runs")
public record RunsProperties(
        Boolean workerEnabled,
        String workerId,
        Duration pollInterval,
        Duration heartbeatInterval,
        Duration staleAfter,
        Integer maxAttempts,
        String checkpointRoot,
        String baseModel,
        DataSize deviceMemory) {

    public RunsProperties {
        workerEnabled = workerEnabled == null || workerEnabled;
        workerId = workerId == null || workerId.isBlank() ? hostName() : workerId;
        pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
        staleAfter = staleAfter == null ? Duration.ofSeconds(60) : staleAfter;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        // Strings, not Paths: in a web application context Spring would bind a Path as a servlet-context resource.
        checkpointRoot = Path.of(blank(checkpointRoot) ? "data/checkpoints" : checkpointRoot)
                .toAbsolutePath()
                .normalize()
                .toString();
        baseModel = Path.of(blank(baseModel) ? "models/base" : baseModel)
                .toAbsolutePath()
                .normalize()
                .toString();
        if (heartbeatInterval.compareTo(staleAfter) >= 0) {
            throw new IllegalArgumentException(
                    "instructforge.runs.heartbeat-interval must be shorter than stale-after");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("instructforge.runs.max-attempts must be at least 1");
        }
    }

    /** The configured device memory in bytes, or null: detect it. */
    public Long deviceMemoryBytes() {
        return deviceMemory == null ? null : deviceMemory.toBytes();
    }

    public Path checkpointDir() {
        return Path.of(checkpointRoot);
    }

    public Path baseModelDir() {
        return Path.of(baseModel);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
