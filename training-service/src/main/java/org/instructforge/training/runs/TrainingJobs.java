package org.instructforge.training.runs;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.corpus.InstructionCorpus;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.rlhf.DpoTrainer;
import org.instructforge.training.rlhf.PpoTrainer;
import org.instructforge.training.rlhf.RewardScorer;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.SettingsOverrides;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * SFT, reward-model, PPO and DPO runs: read the labels, call the trainer (which keeps resumable checkpoints under
 * {@code runs/run-N-TIME/attempt-K} and resumes from them when a dead worker's run is claimed again: {@link
 * AttemptFolders}), then register the result as a checkpoint with its lineage under {@code models/}.
 */
@Component
class TrainingJobs {

    /** Trainer state that resumes a run but is no part of a published model. */
    private static final List<String> NOT_PUBLISHED =
            List.of(SftTrainer.OPTIMIZER, Checkpoints.STATE, Checkpoints.CHECKSUMS);

    private final LabelData labels;
    private final CheckpointRegistry registry;
    private final RunFence fence;
    private final RunsProperties properties;

    TrainingJobs(LabelData labels, CheckpointRegistry registry, RunFence fence, RunsProperties properties) {
        this.labels = labels;
        this.registry = registry;
        this.fence = fence;
        this.properties = properties;
    }

    /** Trains and registers the output checkpoint; answers its id, or null when the run was stopped first. */
    Long run(ClaimedRun run, RunReporter reporter, RunControl control, NDManager manager) throws IOException {
        CheckpointRegistry.Entry start =
                registry.usableFor(run.type(), run.startCheckpointId(), "The run names no checkpoint to start from");
        // Each attempt trains in a folder of its own, begun with a copy of the earlier attempts' newest state: a
        // worker that lost the run may still write a late checkpoint, but only into its own attempt's folder.
        Path runDir = properties.checkpointDir().resolve("runs").resolve(run.folderName());
        Path work = AttemptFolders.of(runDir, run.attempt());
        AttemptFolders.prepare(runDir, run.attempt())
                .ifPresent(from -> reporter.info(
                        "Attempt " + run.attempt() + " resumes from a verified copy of " + runDir.relativize(from)));
        return switch (run.type()) {
            case SFT -> sft(run, start, work, reporter, control, manager);
            case REWARD -> reward(run, start, work, reporter, control, manager);
            case PPO -> ppo(run, start, work, reporter, control, manager);
            case DPO -> dpo(run, start, work, reporter, control, manager);
            default -> throw new IllegalArgumentException(run.type() + " is not a training run");
        };
    }

    private Long sft(
            ClaimedRun run,
            CheckpointRegistry.Entry start,
            Path work,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        SftTrainer.Settings s = settings(SftTrainer.Settings.defaults(), run.hyperparameters());
        LabelData.Split<SftTrainer.Example> data = labels.demonstrations(run);
        requireTrainAndValidation(
                data,
                "SFT needs at least two submitted demonstrations (one to validate on); the selected datasets have ");
        reporter.info("SFT on " + data.train().size() + " demonstrations, validating on "
                + data.validation().size() + ", from " + start.name());
        reporter.stage(0, s.epochs() * steps(data.train().size(), s.batchSize()));
        SftTrainer.Result result = new SftTrainer(s, reporter, reporter.log())
                .train(start.dir(), data.train(), data.validation(), null, work, manager, control);
        if (result.stopped()) {
            return null;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("best_step", result.bestStep());
        metrics.put("best_validation_loss", result.bestValidationLoss());
        metrics.put("demonstrations", data.train().size());
        return publish(run, CheckpointKind.SFT, start.id(), null, null, result.best(), metrics, reporter);
    }

    private Long reward(
            ClaimedRun run,
            CheckpointRegistry.Entry start,
            Path work,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        RewardTrainer.Settings s = settings(RewardTrainer.Settings.defaults(), run.hyperparameters());
        LabelData.Split<RewardTrainer.RankedExample> data = labels.rankings(run);
        requireTrainAndValidation(
                data, "The reward model needs at least two rankings (one to validate on); the selection has ");
        List<SftTrainer.Example> demonstrations = labels.demonstrations(run).train();
        reporter.info("Reward model on " + data.train().size() + " rankings, validating on "
                + data.validation().size() + ", initialised from " + start.name());
        reporter.stage(0, s.epochs() * steps(data.train().size(), s.batchSize()));
        RewardTrainer.Result result = new RewardTrainer(s, reporter, reporter.log())
                .train(
                        start.dir(),
                        data.train(),
                        data.validation(),
                        demonstrations.subList(0, Math.min(256, demonstrations.size())),
                        work,
                        manager,
                        control);
        if (result.stopped()) {
            return null;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation_accuracy", result.validation().accuracy());
        metrics.put("validation_log_loss", result.validation().logLoss());
        metrics.put("validation_pairs", result.validation().pairs());
        metrics.put("rankings", data.train().size());
        return publish(run, CheckpointKind.REWARD, start.id(), null, null, result.model(), metrics, reporter);
    }

    private Long ppo(
            ClaimedRun run,
            CheckpointRegistry.Entry start,
            Path work,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        PpoTrainer.Settings s = settings(PpoTrainer.Settings.defaults(), run.hyperparameters());
        CheckpointRegistry.Entry reward =
                registry.usableRewardModel(run.rewardCheckpointId(), "A PPO run needs a reward model");
        List<List<ChatMessage>> prompts = labels.trainPrompts(run.data());
        if (prompts.isEmpty()) {
            throw new RunFailure("PPO needs TRAIN prompts; the selected datasets have none");
        }
        // PPO-ptx's transcripts in the policy's own chat format, as its SFT data was
        ChatFormat format = ChatFormat.of(start.dir());
        List<String> ptx = s.ptxCoef() > 0
                ? InstructionCorpus.defaults(s.seed()).next(4_000).stream()
                        .map(e -> format.transcript(
                                List.of(ChatMessage.user(e.task().prompt()), ChatMessage.assistant(e.answer()))))
                        .toList()
                : List.of();
        reporter.info("PPO of " + start.name() + " against reward model " + reward.name() + " on " + prompts.size()
                + " prompts" + (ptx.isEmpty() ? "" : ", PPO-ptx on the generated instruction corpus"));
        reporter.stage(0, s.iterations());
        var rewardModel = HfCheckpoint.load(reward.dir(), manager, true, 0f);
        PpoTrainer.Result result = new PpoTrainer(s, reporter, reporter.log())
                .train(
                        start.dir(),
                        reward.dir(),
                        new RewardScorer(rewardModel, 64),
                        prompts,
                        ptx,
                        work,
                        manager,
                        control);
        if (result.stopped()) {
            return null;
        }
        Map<String, Object> metrics = new LinkedHashMap<>(reporter.lastValues());
        metrics.put("iterations", result.iterations());
        return publish(
                run, CheckpointKind.PPO, start.id(), start.id(), reward.id(), result.policy(), metrics, reporter);
    }

    /**
     * DPO on the same rankings the reward model reads ({@link LabelData#rankings}: the trainer makes all C(K,2) pairs
     * but the ties, each prompt weighing the same); the start checkpoint is the reference, and the policy is
     * published with it as its reference and no reward model.
     */
    private Long dpo(
            ClaimedRun run,
            CheckpointRegistry.Entry start,
            Path work,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        DpoTrainer.Settings s = settings(DpoTrainer.Settings.defaults(), run.hyperparameters());
        LabelData.Split<RewardTrainer.RankedExample> data = labels.rankings(run);
        requireTrainAndValidation(data, "DPO needs at least two rankings (one to validate on); the selection has ");
        reporter.info("DPO (" + s.loss().name().toLowerCase() + ", beta " + s.beta()
                + (s.referenceFree() ? ", reference-free" : ", reference " + start.name()) + ") on "
                + data.train().size() + " rankings, validating on "
                + data.validation().size() + ", from "
                + start.name());
        reporter.stage(0, s.epochs() * steps(data.train().size(), s.batchSize()));
        DpoTrainer.Result result;
        try {
            result = new DpoTrainer(s, reporter, reporter.log())
                    .train(start.dir(), data.train(), data.validation(), work, manager, control);
        } catch (IllegalArgumentException e) {
            throw new RunFailure(e.getMessage()); // rankings with no strict pair: nothing to learn from
        }
        if (result.stopped()) {
            return null;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation_accuracy", result.validation().accuracy());
        metrics.put("validation_loss", result.validation().loss());
        metrics.put("validation_reward_margin", result.validation().margin());
        metrics.put("validation_pairs", result.validation().pairs());
        metrics.put("rankings", data.train().size());
        return publish(
                run,
                CheckpointKind.DPO,
                start.id(),
                s.referenceFree() ? null : start.id(),
                null,
                result.policy(),
                metrics,
                reporter);
    }

    /**
     * Copies the trainer's model into {@code models/KIND-run-N-TIME-attempt-K} atomically and registers it (WRITING, then
     * READY), each registry write fenced by the run's attempt ({@link RunFence}); a Ray run's model is published the
     * same way ({@link RayJobs}).
     */
    long publish(
            ClaimedRun run,
            CheckpointKind kind,
            Long parent,
            Long reference,
            Long reward,
            Path trained,
            Map<String, Object> metrics,
            RunReporter reporter)
            throws IOException {
        // A folder per attempt: a worker that lost the run and was still copying can finish its copy, but never into
        // the folder the attempt holding the run registers.
        Path target = properties
                .checkpointDir()
                .resolve("models")
                .resolve(kind.name().toLowerCase() + "-" + run.folderName() + "-attempt-" + run.attempt());
        long id = fence.write(
                run, () -> registry.startWriting(run.id(), run.outputName(), kind, parent, reference, reward, target));
        Checkpoints.writeAtomically(target, tmp -> CheckpointRegistry.copyFiles(trained, tmp, NOT_PUBLISHED));
        CheckpointRegistry.Verified written = registry.verify(target);
        String location = registry.store(target);
        fence.write(run, () -> registry.markReady(id, written, location, metrics));
        reporter.info("Registered checkpoint " + run.outputName() + " (" + kind + ") at " + target);
        return id;
    }

    /** Training needs an example to learn from and one to validate on; {@code problem} is followed by the count. */
    static void requireTrainAndValidation(LabelData.Split<?> data, String problem) {
        if (data.train().isEmpty() || data.validation().isEmpty()) {
            throw new RunFailure(
                    problem + (data.train().size() + data.validation().size()));
        }
    }

    private static int steps(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    /**
     * A trainer's settings: its defaults with the run's stored values on top, bound by component name (the names of
     * {@code Hyperparameters} in shared-model; a test checks they agree).
     */
    static <T extends Record> T settings(T defaults, JsonNode stored) {
        try {
            return SettingsOverrides.apply(defaults, stored);
        } catch (IllegalArgumentException e) {
            throw new RunFailure("Invalid hyperparameters: " + e.getMessage());
        }
    }
}
