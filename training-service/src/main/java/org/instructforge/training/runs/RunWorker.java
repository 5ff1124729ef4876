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
import org.instructforge.shared.db.DatabaseUnreachable;
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
 * heartbeating: they resume from their last checkpoint or, after too many attempts, fail. Every write for a run is
 * fenced by the attempt this worker claimed ({@link RunFence}): a worker presumed dead that comes back stops the run
 * at its next write (or heartbeat) and writes nothing more for it. Stopping the service
 * stops the current run at a step boundary and puts it back in the queue.
 */
@Component
class RunWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

    private final RunQueue queue;
    private final RunFence fence;
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
            RunFence fence,
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
        this.fence = fence;
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
        devices.register(properties.workerId(), device(), properties.staleAfter());
        devices.noteTooLarge(properties.workerId(), device());
        Optional<ClaimedRun> claimed = queue.claim(properties.workerId(), device().memoryBytes());
        claimed.ifPresent(this::execute);
        return claimed.map(ClaimedRun::id);
    }

    private void execute(ClaimedRun run) {
        RunReporter reporter = new RunReporter(jdbc, fence, queue, run, metrics);
        AtomicReference<RunQueue.Signal> signal = new AtomicReference<>(RunQueue.Signal.CONTINUE);
        long every = properties.heartbeatInterval().toMillis();
        ScheduledFuture<?> heartbeat =
                heartbeats.scheduleAtFixedRate(() -> beat(run, signal), every, every, TimeUnit.MILLISECONDS);
        RunControl control = step -> stopping || signal.get() != RunQueue.Signal.CONTINUE;
        try (NDManager manager = NDManager.newBaseManager(engine.device())) {
            reporter.info((run.attempt() > 1 ? "Resumed" : "Started") + " by worker " + run.worker() + " on "
                    + engine.device() + " (attempt " + run.attempt() + " of " + properties.maxAttempts() + ")");
            ComputeDevice.prepareThread();
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
            if (signal.get() == RunQueue.Signal.LOST) {
                throw new RunLost(run);
            } else if (complete) {
                Long published = output;
                fence.write(
                        run,
                        () -> { // the line with the end: after it the run is no longer this worker's
                            reporter.info("Succeeded");
                            queue.finish(run, RunStatus.SUCCEEDED, null, published);
                        });
            } else if (signal.get() == RunQueue.Signal.CANCEL) {
                reporter.info("Cancelled by an engineer; the run stopped at a step boundary");
                queue.finish(run, RunStatus.CANCELLED, "Cancelled by an engineer", null);
            } else {
                reporter.info(
                        "Worker " + run.worker() + " is shutting down: the run goes back to the queue and resumes");
                queue.release(run);
            }
        } catch (RunLost e) {
            lost(run);
        } catch (RunFailure e) {
            fail(run, reporter, e.getMessage());
        } catch (Exception | OutOfMemoryError e) {
            if (lostIn(e)) {
                lost(run);
            } else if (DatabaseUnreachable.causedBy(e)) {
                requeueAfterOutage(run, reporter, e);
            } else {
                log.error("run {} failed", run.id(), e);
                fail(run, reporter, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            heartbeat.cancel(false);
        }
    }

    private void fail(ClaimedRun run, RunReporter reporter, String message) {
        try {
            reporter.error(message);
            queue.finish(run, RunStatus.FAILED, message, null);
        } catch (RunLost e) {
            lost(run);
        }
    }

    /**
     * The database went out of reach under something that does not wait for it (a read before training): no fault of
     * the run, which goes back to the queue, its attempt given back, and resumes from its last checkpoint. The writes
     * here wait for the database to answer again.
     */
    private void requeueAfterOutage(ClaimedRun run, RunReporter reporter, Throwable e) {
        log.warn(
                "run {}: the database went out of reach ({}); the run goes back to the queue",
                run.id(),
                e.getMessage());
        try {
            reporter.warn("The database was out of reach (" + e.getMessage()
                    + "); the run goes back to the queue and resumes from its last checkpoint");
            queue.release(run);
        } catch (RunLost lost) {
            lost(run);
        }
    }

    /** Another worker holds the run now: this one has stopped it and writes nothing more for it. */
    private static void lost(ClaimedRun run) {
        log.warn(
                "run {}: worker {} lost it (attempt {} was taken over); stopped without writing",
                run.id(),
                run.worker(),
                run.attempt());
    }

    /** A trainer may wrap the failure of a write (in an I/O or a library exception): the fence's refusal counts. */
    private static boolean lostIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RunLost) {
                return true;
            }
        }
        return false;
    }

    private void beat(ClaimedRun run, AtomicReference<RunQueue.Signal> signal) {
        try {
            RunQueue.Signal now = queue.heartbeat(run);
            if (now != RunQueue.Signal.CONTINUE) {
                signal.set(now);
            }
            devices.seen(run.worker()); // busy, not polling: its device still counts on the dashboard
        } catch (RuntimeException e) {
            // A missed heartbeat (database restarting) is not yet a lost run: the next one may get through.
            log.warn("run {}: heartbeat failed: {}", run.id(), e.getMessage());
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
                if (DatabaseUnreachable.causedBy(e)) { // restarting or failing over: no bug to trace
                    log.warn("Run worker: the database is out of reach ({}); trying again", e.getMessage());
                } else {
                    log.error("Run worker: {}", e.getMessage(), e);
                }
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
