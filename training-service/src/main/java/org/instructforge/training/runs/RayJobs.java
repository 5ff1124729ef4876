package org.instructforge.training.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.training.ray.OpenRlhfCommand;
import org.instructforge.training.ray.OpenRlhfFlags;
import org.instructforge.training.ray.RayJobStatus;
import org.instructforge.training.ray.RayJobsClient;
import org.instructforge.training.ray.RayJobsException;
import org.instructforge.training.ray.TrainerLogMetrics;
import org.instructforge.training.ray.TrlJsonl;
import org.instructforge.training.toolbox.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs whose executor is {@code ray}: the worker that claimed one exports its labels as TRL-format JSONL next to the
 * run's state ({@code runs/run-N-TIME/ray-inputs}), submits OpenRLHF's trainer as a Ray job, and follows it while
 * heartbeating as for a local run: it copies the job's log into the run's log, turns the trainer's logged metrics
 * into the run's curves, stops the job on Cancel, and once the job SUCCEEDED registers the HF model it wrote
 * ({@code ray-output}) as a checkpoint with its lineage, through the same write-verify-register path as a local run.
 *
 * <p>The submission id is the run's folder name, so a run resumed after its worker died follows the job its earlier
 * attempt submitted instead of starting a second one; a worker shutting down leaves the job running for the next.
 */
@Component
class RayJobs {

    private static final Logger log = LoggerFactory.getLogger(RayJobs.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<RunType> HANDED_TO_RAY = EnumSet.of(RunType.SFT, RunType.REWARD, RunType.DPO, RunType.PPO);

    private final LabelData labels;
    private final CheckpointRegistry registry;
    private final TrainingJobs trainingJobs;
    private final RunsProperties runs;
    private final RayProperties ray;

    RayJobs(
            LabelData labels,
            CheckpointRegistry registry,
            TrainingJobs trainingJobs,
            RunsProperties runs,
            RayProperties ray) {
        this.labels = labels;
        this.registry = registry;
        this.trainingJobs = trainingJobs;
        this.runs = runs;
        this.ray = ray;
    }

    /**
     * Runs it on Ray; answers the registered checkpoint's id, or null when the run stopped first (cancelled: the job
     * is stopped; the worker shutting down or losing the run: the job goes on for the next attempt).
     *
     * @param cancelled whether an engineer cancelled the run (as opposed to the worker stopping)
     */
    Long run(ClaimedRun run, RunReporter reporter, RunControl control, BooleanSupplier cancelled) throws IOException {
        if (!HANDED_TO_RAY.contains(run.type())) {
            throw new RunFailure(run.type() + " runs cannot run on Ray; only SFT, REWARD, DPO and PPO runs can");
        }
        CheckpointRegistry.Entry start =
                registry.usableFor(run.type(), run.startCheckpointId(), "The run names no checkpoint to start from");
        CheckpointRegistry.Entry reward = run.type() == RunType.PPO
                ? registry.usableRewardModel(run.rewardCheckpointId(), "A PPO run needs a reward model")
                : null;
        Path work = runs.checkpointDir().resolve("runs").resolve(run.folderName());
        Path output = work.resolve("ray-output");
        JsonNode hyperparameters = hyperparameters(run);
        RayJobsClient client = new RayJobsClient(ray.addressUri(), ray.requestTimeout());
        String id = "instructforge-" + run.folderName();
        if (!followingEarlierJob(client, id, reporter)) {
            // Exported only for a new job: a job an earlier attempt submitted may be reading the files.
            Path inputs = work.resolve("ray-inputs");
            export(run, inputs, reporter);
            warnNotMapped(run.type(), hyperparameters, reporter);
            String entrypoint = OpenRlhfCommand.entrypoint(
                    run.type(),
                    hyperparameters,
                    new OpenRlhfCommand.Paths(
                            cluster(start.dir()),
                            reward == null ? null : cluster(reward.dir()),
                            cluster(inputs.resolve("train.jsonl")),
                            cluster(inputs.resolve("validation.jsonl")),
                            cluster(output),
                            cluster(work.resolve("ray-checkpoints"))),
                    ray.launcher(),
                    ray.extraArguments());
            submit(client, id, run, entrypoint, reporter);
        }
        // The trainers' bars count steps per epoch (PPO: per episode, of which it runs one).
        int passes = run.type() == RunType.PPO
                ? 1
                : Math.max(1, hyperparameters.path("epochs").asInt(1));
        Optional<RayJobStatus> ended = follow(client, id, run, reporter, control, cancelled, passes);
        if (ended.isEmpty()) {
            return null;
        }
        return switch (ended.get()) {
            case SUCCEEDED -> register(run, start, reward, output, id, reporter);
            case STOPPED ->
                throw new RunFailure("The Ray job " + id + " was stopped on the cluster, not from InstructForge");
            default -> throw new IllegalStateException("follow() answers a finished job, not " + ended.get());
        };
    }

    /** The labels in the format OpenRLHF reads, with the counts in the run's log. */
    private void export(ClaimedRun run, Path inputs, RunReporter reporter) throws IOException {
        Path train = inputs.resolve("train.jsonl");
        Path validation = inputs.resolve("validation.jsonl");
        switch (run.type()) {
            case SFT -> {
                var data = labels.demonstrations(run);
                TrainingJobs.requireTrainAndValidation(
                        data,
                        "SFT needs at least two submitted demonstrations (one to validate on); the selection has ");
                reporter.info("Exported " + TrlJsonl.demonstrations(data.train(), train) + " demonstrations and "
                        + TrlJsonl.demonstrations(data.validation(), validation)
                        + " to validate on (prompt/completion JSONL) to " + inputs);
            }
            case REWARD, DPO -> {
                var data = labels.rankings(run);
                TrainingJobs.requireTrainAndValidation(
                        data, "Rankings are needed to train on and validate on; the selection has ");
                int pairs = TrlJsonl.preferencePairs(data.train(), train);
                int validationPairs = TrlJsonl.preferencePairs(data.validation(), validation);
                if (pairs == 0 || validationPairs == 0) {
                    throw new RunFailure("The selected rankings hold no strict pair to "
                            + (pairs == 0 ? "train" : "validate") + " on (all tied or not rankable)");
                }
                reporter.info("Exported " + pairs + " preference pairs of "
                        + data.train().size() + " rankings and "
                        + validationPairs + " of " + data.validation().size()
                        + " to validate on (prompt/chosen/rejected JSONL) to " + inputs);
            }
            case PPO -> {
                // The user turn each prompt asks, as the demonstration and preference exports write prompts.
                List<String> prompts = labels.trainPrompts(run.data()).stream()
                        .map(q -> q.get(q.size() - 1).content())
                        .toList();
                if (prompts.isEmpty()) {
                    throw new RunFailure("PPO needs TRAIN prompts; the selected datasets have none");
                }
                reporter.info(
                        "Exported " + TrlJsonl.prompts(prompts, train) + " TRAIN prompts (prompt JSONL) to " + inputs);
            }
            default -> throw new IllegalStateException("checked above: " + run.type());
        }
    }

    /** Every hyperparameter of the run's type: the stored values over the recipe's defaults. */
    private static JsonNode hyperparameters(ClaimedRun run) {
        ObjectNode values = JSON.valueToTree(Hyperparameters.defaults(run.type()));
        if (run.hyperparameters() != null) {
            run.hyperparameters().properties().forEach(e -> values.set(e.getKey(), e.getValue()));
        }
        return values;
    }

    /** The engineer learns which of their settings OpenRLHF cannot take. */
    private static void warnNotMapped(RunType type, JsonNode values, RunReporter reporter) {
        JsonNode defaults = JSON.valueToTree(Hyperparameters.defaults(type));
        OpenRlhfFlags.notMapped(type).forEach((name, why) -> {
            if (!values.path(name).equals(defaults.path(name))) {
                reporter.warn(name + " = " + values.path(name) + " is not handed to OpenRLHF: " + why);
            }
        });
    }

    /** Whether the cluster already has this run's job: one its earlier attempt submitted, which this one follows. */
    private static boolean followingEarlierJob(RayJobsClient client, String id, RunReporter reporter) {
        try {
            Optional<RayJobsClient.JobInfo> earlier = client.job(id);
            earlier.ifPresent(job -> reporter.info("Following Ray job " + id + " (" + job.status()
                    + ") that an earlier attempt submitted to " + client.address()));
            return earlier.isPresent();
        } catch (RayJobsException e) {
            throw new RunFailure(e.getMessage());
        }
    }

    private void submit(RayJobsClient client, String id, ClaimedRun run, String entrypoint, RunReporter reporter) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("instructforge_run", Long.toString(run.id()));
        metadata.put("run_type", run.type().name());
        metadata.put("run_name", run.outputName());
        try {
            client.submit(new RayJobsClient.Submission(id, entrypoint, Map.of("pip", ray.pip()), metadata));
        } catch (RayJobsException e) {
            throw new RunFailure(e.getMessage());
        }
        reporter.info("Submitted Ray job " + id + " to " + client.address() + ": " + entrypoint);
    }

    /**
     * Polls the job until it ends, copying its log and metrics; answers how it ended, or empty when the run stopped
     * first. A FAILED job fails the run with Ray's message.
     */
    private Optional<RayJobStatus> follow(
            RayJobsClient client,
            String id,
            ClaimedRun run,
            RunReporter reporter,
            RunControl control,
            BooleanSupplier cancelled,
            int passes) {
        JobLog jobLog = new JobLog(run, reporter, passes);
        Instant lastAnswer = Instant.now();
        while (true) {
            if (cancelled.getAsBoolean()) {
                stop(client, id, reporter);
                return Optional.empty();
            }
            if (control.shouldStop(jobLog.lastStep + 1)) {
                // The worker is shutting down or lost the run: the job goes on, and the next attempt follows it.
                log.info("run {}: leaving Ray job {} running for the run's next attempt", run.id(), id);
                return Optional.empty();
            }
            try {
                RayJobsClient.JobInfo job = client.job(id)
                        .orElseThrow(() -> new RunFailure("The Ray cluster at " + client.address()
                                + " no longer knows job " + id + " (was the cluster restarted?)"));
                jobLog.copy(client.logs(id), job.status().terminal());
                lastAnswer = Instant.now();
                if (job.status() == RayJobStatus.FAILED) {
                    throw new RunFailure("The Ray job " + id + " failed: "
                            + (job.message() == null ? "Ray gave no reason" : job.message()));
                }
                if (job.status().terminal()) {
                    reporter.info("Ray job " + id + " " + job.status());
                    return Optional.of(job.status());
                }
            } catch (RayJobsException e) {
                Duration silent = Duration.between(lastAnswer, Instant.now());
                if (silent.compareTo(ray.unreachableAfter()) >= 0) {
                    throw new RunFailure(e.getMessage() + "; no answer for " + silent.toSeconds()
                            + " s, so the run fails. The job " + id + " may still run on the cluster: stop it there"
                            + " (ray job stop " + id + ") before requesting the run again");
                }
                log.warn("run {}: {} (retrying)", run.id(), e.getMessage());
            }
            if (!sleep(ray.pollInterval())) {
                return Optional.empty();
            }
        }
    }

    private static void stop(RayJobsClient client, String id, RunReporter reporter) {
        try {
            boolean stopped = client.stop(id);
            reporter.info("Asked Ray to stop job " + id + (stopped ? "" : ": it had ended already"));
        } catch (RayJobsException e) {
            reporter.warn("Could not stop Ray job " + id + ": " + e.getMessage() + "; stop it on the cluster");
        }
    }

    /** Registers the model the job wrote, as a local run's: copied atomically, verified, then READY. */
    private Long register(
            ClaimedRun run,
            CheckpointRegistry.Entry start,
            CheckpointRegistry.Entry reward,
            Path output,
            String id,
            RunReporter reporter)
            throws IOException {
        if (!Files.isRegularFile(output.resolve("config.json"))) {
            throw new RunFailure("The Ray job " + id + " succeeded but no HF model is at " + output
                    + " (no config.json): is the checkpoint volume mounted at " + cluster(output.getParent())
                    + " on the cluster?");
        }
        Map<String, Object> metrics = new LinkedHashMap<>(reporter.lastValues());
        metrics.put("executor", "ray");
        metrics.put("ray_submission_id", id);
        return switch (run.type()) {
            case SFT ->
                trainingJobs.publish(run, CheckpointKind.SFT, start.id(), null, null, output, metrics, reporter);
            case REWARD ->
                trainingJobs.publish(run, CheckpointKind.REWARD, start.id(), null, null, output, metrics, reporter);
            case DPO ->
                trainingJobs.publish(run, CheckpointKind.DPO, start.id(), start.id(), null, output, metrics, reporter);
            case PPO ->
                trainingJobs.publish(
                        run, CheckpointKind.PPO, start.id(), start.id(), reward.id(), output, metrics, reporter);
            default -> throw new IllegalStateException("checked before submitting: " + run.type());
        };
    }

    private String cluster(Path local) {
        return ray.onCluster(local, runs.checkpointDir());
    }

    /** Sleeps; false when interrupted (the service is stopping: the worker's control says so next). */
    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            return false; // RunWorker.stop() interrupts after setting its stopping flag: the run is released
        }
    }

    /**
     * The job's log as the run's log: Ray answers the whole log each time, so only what is new is copied, line by
     * line (a progress bar redraws with a carriage return: each redraw is a line). A line that is a progress bar with
     * metrics becomes a point on the run's curves instead of a log row.
     */
    private static final class JobLog {
        private final RunReporter reporter;
        private final String stage;
        private final int passes;
        private int copied;
        private int lastStep;
        private boolean totalKnown;

        JobLog(ClaimedRun run, RunReporter reporter, int passes) {
            this.reporter = reporter;
            this.passes = passes;
            this.stage = stage(run.type());
        }

        void copy(String logs, boolean finished) {
            if (logs.length() < copied) {
                copied = 0; // a new log (the job was resubmitted): start over
            }
            int end = finished ? logs.length() : Math.max(logs.lastIndexOf('\n'), logs.lastIndexOf('\r')) + 1;
            if (end <= copied) {
                return;
            }
            String fresh = logs.substring(copied, end);
            copied = end;
            for (String line : fresh.split("[\r\n]+")) {
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                Optional<TrainerLogMetrics.Point> point = TrainerLogMetrics.parse(text);
                if (point.isPresent()) {
                    record(point.get());
                } else {
                    reporter.log().println(text);
                }
            }
        }

        private void record(TrainerLogMetrics.Point point) {
            if (!totalKnown) {
                reporter.stage(0, point.stepsPerPass() * passes);
                totalKnown = true;
            }
            lastStep = Math.max(lastStep, point.step());
            reporter.record(stage, point.step(), point.values());
        }

        /** The same stage names as the local trainers' ({@code sft/...}, {@code reward/...}). */
        private static String stage(RunType type) {
            return type.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
