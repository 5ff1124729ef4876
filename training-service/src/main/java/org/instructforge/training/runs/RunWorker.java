package org.instructforge.training.runs;

import ai.djl.ndarray.NDManager;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.RunExecutor;
import org.instructforge.training.engine.ComputeEngine;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.toolbox.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One worker: claims one queued run at a time and runs it to the end (or, for a run whose executor is {@code ray},
 * follows the Ray job it hands it to: {@link RayJobs}), heartbeating meanwhile. A heartbeat also
 * carries the dashboard's cancel back to the trainer (which stops before its next step). On start it gives back the
 * runs its own earlier life held (a restarted worker), and while idle it recovers runs whose worker stopped
 * heartbeating: they resume from their last checkpoint or, after too many attempts, fail. Stopping the service
 * stops the current run at a step boundary and puts it back in the queue.
 */
@Component
class RunWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

    private final RunQueue queue;
    private final TrainingJobs trainingJobs;
    private final RoundJobs roundJobs;
    private final RayJobs rayJobs;
    private final CheckpointRegistry registry;
    private final ComputeEngine engine;
    private final JdbcClient jdbc;
    private final RunsProperties properties;
    private final TrainingMetrics metrics;
    private final WorkerDevices devices;
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "run-heartbeat"));

    private volatile boolean stopping;
    private volatile Thread loop;
    private volatile WorkerDevice device;

    RunWorker(
            RunQueue queue,
            TrainingJobs trainingJobs,
            RoundJobs roundJobs,
            RayJobs rayJobs,
            CheckpointRegistry registry,
            ComputeEngine engine,
            JdbcClient jdbc,
            RunsProperties properties,
            TrainingMetrics metrics,
            WorkerDevices devices) {
        this.metrics = metrics;
        this.devices = devices;
        this.queue = queue;
        this.trainingJobs = trainingJobs;
        this.roundJobs = roundJobs;
        this.rayJobs = rayJobs;
        this.registry = registry;
        this.engine = engine;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** Start-up: the base model is registered, and whatever this worker held before it restarted is recovered. */
    void recoverAfterRestart() {
        registry.registerBase(properties.baseModelDir(), properties.checkpointDir())
                .ifPresentOrElse(
                        id -> log.info("Base model (from {}) is checkpoint {}", properties.baseModelDir(), id),
                        () -> log.warn("No base model at {}: register one to start runs", properties.baseModelDir()));
        recover(properties.workerId());
        int shapes = registry.backfillShapes();
        if (shapes > 0) {
            log.info("Recorded the architecture and shape of {} checkpoint(s) registered before V069", shapes);
        }
    }

    /** This worker's device and the memory runs may use on it, found once. */
    WorkerDevice device() {
        if (device == null) {
            device = WorkerDevice.of(engine.device(), properties.deviceMemoryBytes());
        }
        return device;
    }

    /** Runs whose worker died go back to the queue or fail; their half-written checkpoints are never listed. */
    void recover(String restartedWorker) {
        for (RunQueue.Recovered r : queue.recover(restartedWorker, properties.staleAfter(), properties.maxAttempts())) {
            String message = switch (r.status()) {
                case QUEUED ->
                    "Worker " + r.previousWorker() + " stopped while running this run; it is queued again"
                            + " and resumes from its last checkpoint";
                case FAILED -> "Worker " + r.previousWorker() + " stopped while running this run too often; failed";
                default -> "Worker " + r.previousWorker() + " stopped while the run was being cancelled; cancelled";
            };
            log.warn("run {}: {}", r.id(), message);
            jdbc.sql("INSERT INTO training_run_log (run_id, level, message) VALUES (:run, 'WARN', :message)")
                    .param("run", r.id())
                    .param("message", message)
                    .update();
            if (r.status().finished()) {
                queue.failRoundOf(r.id());
            }
        }
        registry.failAbandoned();
    }

    /** Claims and runs one queued run, if any; answers its id. The loop calls this, and so do tests. */
    Optional<Long> runOnce() {
        recover(null);
        // The worker's row says what it can hold (the dashboard refuses runs no worker can); runs it cannot hold
        // get one line in their log, and the claim passes over them.
        devices.register(properties.workerId(), device());
        devices.noteTooLarge(properties.workerId(), device());
        Optional<ClaimedRun> claimed = queue.claim(properties.workerId(), device().memoryBytes());
        claimed.ifPresent(this::execute);
        return claimed.map(ClaimedRun::id);
    }

    private void execute(ClaimedRun run) {
        String worker = properties.workerId();
        RunReporter reporter = new RunReporter(jdbc, queue, run, worker, metrics);
        AtomicReference<RunQueue.Signal> signal = new AtomicReference<>(RunQueue.Signal.CONTINUE);
        long every = properties.heartbeatInterval().toMillis();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(
                () -> beat(run.id(), worker, signal), every, every, TimeUnit.MILLISECONDS);
        RunControl control = step -> stopping || signal.get() != RunQueue.Signal.CONTINUE;
        reporter.info((run.attempt() > 1 ? "Resumed" : "Started") + " by worker " + worker + " on " + engine.device()
                + " (attempt " + run.attempt() + " of " + properties.maxAttempts() + ")");
        ComputeDevice.prepareThread();
        try (NDManager manager = NDManager.newBaseManager(engine.device())) {
            boolean complete;
            Long output = null;
            if (run.type() == RunType.PRETRAIN) {
                throw new RunFailure("Pretraining runs from the command line (./forge pretrain), not the queue");
            } else if (run.executor() == RunExecutor.RAY) {
                output = rayJobs.run(run, reporter, control, () -> signal.get() == RunQueue.Signal.CANCEL);
                complete = output != null;
            } else if (run.type().trains()) {
                output = trainingJobs.run(run, reporter, control, manager);
                complete = output != null;
            } else {
                complete = roundJobs.run(run, reporter, control, manager);
            }
            heartbeat.cancel(false);
            if (complete) {
                queue.finish(run.id(), worker, RunStatus.SUCCEEDED, null, output);
                reporter.info("Succeeded");
            } else if (signal.get() == RunQueue.Signal.CANCEL) {
                reporter.info("Cancelled by an engineer; the run stopped at a step boundary");
                queue.finish(run.id(), worker, RunStatus.CANCELLED, "Cancelled by an engineer", null);
                queue.failRoundOf(run.id());
            } else if (signal.get() == RunQueue.Signal.LOST) {
                log.warn("run {}: another worker took it over; this worker stops without writing", run.id());
            } else {
                reporter.info("Worker " + worker + " is shutting down: the run goes back to the queue and resumes");
                queue.release(run.id(), worker);
            }
        } catch (RunFailure e) {
            fail(run, reporter, e.getMessage());
        } catch (Exception | OutOfMemoryError e) {
            log.error("run {} failed", run.id(), e);
            fail(run, reporter, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            heartbeat.cancel(false);
        }
    }

    private void fail(ClaimedRun run, RunReporter reporter, String message) {
        reporter.error(message);
        queue.finish(run.id(), properties.workerId(), RunStatus.FAILED, message, null);
        queue.failRoundOf(run.id());
    }

    private void beat(long runId, String worker, AtomicReference<RunQueue.Signal> signal) {
        try {
            RunQueue.Signal now = queue.heartbeat(runId, worker);
            if (now != RunQueue.Signal.CONTINUE) {
                signal.set(now);
            }
        } catch (RuntimeException e) {
            // A missed heartbeat (database restarting) is not yet a lost run: the next one may get through.
            log.warn("run {}: heartbeat failed: {}", runId, e.getMessage());
        }
    }

    private void loop() {
        recoverAfterRestart();
        while (!stopping) {
            try {
                if (runOnce().isEmpty()) {
                    Thread.sleep(properties.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Run worker: {}", e.getMessage(), e);
                sleepQuietly();
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(properties.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        if (!properties.workerEnabled()) {
            log.info("Run worker disabled (instructforge.runs.worker-enabled=false)");
            return;
        }
        stopping = false;
        loop = daemon(this::loop, "run-worker");
        loop.start();
        log.info(
                "Run worker {} on {} polls the queue every {}",
                properties.workerId(),
                device().describe(),
                properties.pollInterval());
    }

    @Override
    public void stop() {
        stopping = true;
        Thread t = loop;
        if (t != null) {
            t.interrupt(); // wakes an idle poll; a training step finishes and the run is released
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loop = null;
        heartbeats.shutdownNow();
        if (t != null) {
            try {
                devices.unregister(properties.workerId());
            } catch (RuntimeException e) {
                log.warn("Could not remove worker {} from training_worker: {}", properties.workerId(), e.getMessage());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
