package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.toolbox.AdamW;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;

/**
 * Step 1 of InstructGPT: supervised fine-tuning on labelers' demonstrations, written out.
 *
 * <p>Each step: 1. a batch of demonstrations (a fixed shuffle per epoch), 2. forward, with the loss on the response
 * tokens only (the prompt is given, not learned), 3. backward, 4. AdamW with a cosine schedule to 10 % of the peak
 * and no warm-up, residual dropout 0.2. Every {@code evalEvery} steps the validation loss is measured and, when a
 * reward model is given, the mean reward of greedy answers to the validation prompts: InstructGPT selects the final
 * SFT checkpoint by that score, since validation loss overfits after one epoch while preference keeps improving.
 *
 * <p>Checkpoints ({@code OUT/checkpoints/step-N}) hold the weights, the optimizer moments and the step; a run started
 * again on the same {@code OUT} resumes from the newest one and computes exactly the losses the uninterrupted run
 * would have (batches and dropout masks are functions of the seed and the step).
 */
public final class SftTrainer {

    /**
     * A prompt and the answer a labeler wrote for it; {@code context} holds the earlier turns of a prompt imported as
     * a conversation (empty for a plain prompt).
     */
    public record Example(List<ChatMessage> context, String prompt, String response) {

        public Example {
            context = List.copyOf(context);
        }

        public Example(String prompt, String response) {
            this(List.of(), prompt, response);
        }

        /** The conversation up to the prompt: what the model is asked to continue. */
        public List<ChatMessage> question() {
            List<ChatMessage> turns = new ArrayList<>(context);
            turns.add(ChatMessage.user(prompt));
            return turns;
        }

        /** The whole conversation, ending with the labeler's answer. */
        public List<ChatMessage> conversation() {
            List<ChatMessage> turns = question();
            turns.add(ChatMessage.assistant(response));
            return turns;
        }
    }

    /**
     * @param seed batch order and dropout masks
     * @param epochs passes over the demonstrations (InstructGPT: 16)
     * @param batchSize demonstrations per step
     * @param learningRate peak AdamW learning rate; the cosine decays it to {@code minLearningRateRatio} of this
     * @param minLearningRateRatio InstructGPT: 10 %
     * @param weightDecay decoupled, on matrices and embeddings only
     * @param dropout residual dropout while training (InstructGPT: 0.2)
     * @param gradClip global gradient norm limit
     * @param maxPromptTokens longer prompts keep their end (the part next to the answer)
     * @param maxResponseTokens longer demonstrations are cut
     * @param evalEvery steps between validation measurements (and at the end)
     * @param checkpointEvery steps between resumable checkpoints
     * @param selectionPrompts validation prompts answered for reward-model selection
     * @param selectionMaxNewTokens answer length for the selection
     */
    public record Settings(
            long seed,
            int epochs,
            int batchSize,
            float learningRate,
            float minLearningRateRatio,
            float weightDecay,
            float dropout,
            float gradClip,
            int maxPromptTokens,
            int maxResponseTokens,
            int evalEvery,
            int checkpointEvery,
            int selectionPrompts,
            int selectionMaxNewTokens) {

        public Settings {
            if (epochs < 1 || batchSize < 1 || evalEvery < 1 || checkpointEvery < 1 || learningRate <= 0) {
                throw new IllegalArgumentException("epochs, batch size, intervals and learning rate must be positive");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("dropout must be in [0, 1)");
            }
        }

        /** InstructGPT's recipe where it applies to a small model; the learning rate suits a 2M-parameter GPT. */
        public static Settings defaults() {
            return new Settings(1, 16, 32, 3e-4f, 0.1f, 0.0f, 0.2f, 1.0f, 128, 96, 50, 50, 64, 32);
        }

        /** Learning rate at step {@code step} of {@code total}: cosine from the peak to the floor, no warm-up. */
        public float learningRateAt(int step, int total) {
            return RlMath.cosineDecay(learningRate, minLearningRateRatio, step, total);
        }
    }

    /**
     * @param best the selected checkpoint (HF layout): highest validation reward, else lowest validation loss
     * @param bestStep the step it was taken at
     * @param steps steps completed; less than the plan when the run was stopped
     * @param stopped true when {@link RunControl} ended the run early
     */
    public record Result(
            Path best,
            int bestStep,
            double bestValidationLoss,
            double bestValidationReward,
            int steps,
            boolean stopped) {}

    private final Settings s;
    private final MetricSink metrics;
    private final PrintStream log;

    public SftTrainer(Settings settings, MetricSink metrics, PrintStream log) {
        this.s = settings;
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * Trains from {@code init} (or resumes the newest checkpoint under {@code out}) and writes {@code out/best}.
     *
     * @param selector reward model for checkpoint selection; null selects by validation loss
     */
    public Result train(
            Path init,
            List<Example> train,
            List<Example> validation,
            RewardScorer selector,
            Path out,
            NDManager manager,
            RunControl control)
            throws IOException {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("SFT needs training and validation demonstrations");
        }
        Path checkpoints = out.resolve(Checkpoints.FOLDER);
        Optional<Path> resume = Checkpoints.latest(checkpoints);
        CausalLm policy = HfCheckpoint.load(resume.orElse(init), manager, false, s.dropout());
        AdamW optimizer = new AdamW(
                policy.parametersByName(),
                AdamW.Settings.instructGpt(s.weightDecay()).withClip(s.gradClip()),
                manager);
        int start = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestReward = Double.NEGATIVE_INFINITY;
        int bestStep = -1;
        if (resume.isPresent()) {
            var state = Checkpoints.resume(resume.get(), optimizer, STAGE, metrics, log);
            start = state.path("step").asInt();
            bestLoss = state.path("best_validation_loss").asDouble(Double.POSITIVE_INFINITY);
            bestReward = state.path("best_validation_reward").asDouble(Double.NEGATIVE_INFINITY);
            bestStep = state.path("best_step").asInt(-1);
        }
        ChatFormat format = ChatFormat.of(init);
        try (GptTokenizer tokenizer = GptTokenizer.load(init)) {
            List<Sequences.Row> trainRows = encode(tokenizer, format, train);
            List<Sequences.Row> validationRows = encode(tokenizer, format, validation);
            int stepsPerEpoch = (trainRows.size() + s.batchSize() - 1) / s.batchSize();
            int total = s.epochs() * stepsPerEpoch;
            long eos = policy.config().eosTokenId();
            long windowStart = System.nanoTime();
            long windowTokens = 0;
            for (int step = start; step < total; step++) {
                if (control.shouldStop(step)) {
                    return new Result(out.resolve("best"), bestStep, bestLoss, bestReward, step, true);
                }
                // 1. this step's demonstrations: a seeded shuffle per epoch, so a resumed run sees the same batches
                List<Sequences.Row> batch = Sequences.batchAt(trainRows, step, stepsPerEpoch, s.batchSize(), s.seed());
                Sequences.Batch b = Sequences.ofRows(batch, eos);
                float lr = s.learningRateAt(step, total);
                float loss;
                try (NDManager m = manager.newSubManager()) {
                    Engine.getInstance().setRandomSeed((int) (s.seed() * 1_000_003 + step)); // dropout masks
                    NDArray lossArray;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray[] a = Sequences.arrays(m, b);
                        // 2. next-token log-probs; the mask keeps the assistant's tokens only
                        NDArray logProbs = Sequences.nextTokenLogProbs(
                                policy, new ParameterStore(m, false), a[0], a[1], true); // (B, T-1)
                        lossArray = RlMath.maskedMean(logProbs.neg(), a[2]);
                        // 3. backward
                        collector.backward(lossArray);
                    }
                    loss = lossArray.getFloat();
                    // 4. AdamW (clips the global norm, zeroes the gradients)
                    float gradNorm = optimizer.step(lr);
                    windowTokens += responseTokens(b);
                    Map<String, Double> values = new LinkedHashMap<>();
                    values.put("loss", (double) loss);
                    values.put("learning_rate", (double) lr);
                    values.put("grad_norm", (double) gradNorm);
                    values.put("epoch", step / (double) stepsPerEpoch);
                    boolean evaluate = (step + 1) % s.evalEvery() == 0 || step == total - 1;
                    boolean better = false;
                    if (evaluate) {
                        double seconds = (System.nanoTime() - windowStart) / 1e9;
                        values.put("response_tokens_per_second", windowTokens / seconds);
                        double validationLoss = validationLoss(policy, validationRows, eos, manager);
                        values.put("validation_loss", validationLoss);
                        if (selector != null) {
                            double reward = validationReward(policy, tokenizer, format, validation, selector, manager);
                            values.put("validation_reward", reward);
                            better = reward > bestReward;
                            if (better) {
                                bestReward = reward;
                                bestLoss = validationLoss;
                            }
                        } else {
                            better = validationLoss < bestLoss;
                            if (better) {
                                bestLoss = validationLoss;
                            }
                        }
                        if (better) {
                            bestStep = step + 1;
                        }
                        log.printf(
                                Locale.ROOT,
                                "sft step %d/%d  loss %.4f  validation loss %.4f%s  lr %.2e%s%n",
                                step + 1,
                                total,
                                loss,
                                validationLoss,
                                selector == null
                                        ? ""
                                        : String.format(Locale.ROOT, "  reward %.3f", values.get("validation_reward")),
                                lr,
                                better ? "  (best)" : "");
                        windowStart = System.nanoTime();
                        windowTokens = 0;
                    }
                    // Recorded before anything is written to disk: a sink that refuses the step (the run was taken
                    // over by another worker) stops this one before it touches the files the other one now uses.
                    metrics.record(STAGE, step + 1, values);
                    if (better) {
                        Checkpoints.saveModel(policy, out.resolve("best"), init);
                    }
                }
                if ((step + 1) % s.checkpointEvery() == 0 || step == total - 1) {
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("stage", STAGE);
                    state.put("step", step + 1);
                    state.put("total_steps", total);
                    state.put("best_step", bestStep);
                    state.put("best_validation_loss", finiteOrNull(bestLoss));
                    state.put("best_validation_reward", finiteOrNull(bestReward));
                    saveCheckpoint(policy, optimizer, init, Checkpoints.stepDir(checkpoints, step + 1), state);
                    Checkpoints.keepLast(checkpoints, 2);
                }
            }
            return new Result(out.resolve("best"), bestStep, bestLoss, bestReward, total, false);
        }
    }

    static final String STAGE = "sft";
    public static final String OPTIMIZER = "optimizer.safetensors";

    /** Writes a resumable checkpoint: HF weights + tokenizer, optimizer moments, trainer state. */
    static void saveCheckpoint(
            CausalLm model, AdamW optimizer, Path tokenizerSource, Path dir, Map<String, Object> state)
            throws IOException {
        Checkpoints.writeAtomically(dir, tmp -> {
            HfCheckpoint.save(model, tmp, tokenizerSource);
            optimizer.save(tmp.resolve(OPTIMIZER));
            Checkpoints.writeState(tmp, state);
        });
    }

    /**
     * Each demonstration as the model's chat format renders the conversation: the loss falls on the assistant turns
     * (the labeler's answer, and the assistant turns of an imported conversation), never on the rest.
     */
    List<Sequences.Row> encode(GptTokenizer tokenizer, ChatFormat format, List<Example> examples) {
        List<Sequences.Row> rows = new ArrayList<>(examples.size());
        for (Example e : examples) {
            List<ChatFormat.Piece> pieces = format.pieces(e.conversation());
            int answer = pieces.size() - 1;
            while (!pieces.get(answer).assistant()) {
                answer--;
            }
            ChatFormat.Tokens context = ChatFormat.encode(pieces.subList(0, answer), tokenizer::encode);
            ChatFormat.Tokens response = ChatFormat.encode(pieces.subList(answer, answer + 1), tokenizer::encode);
            rows.add(Sequences.fitConversation(
                    context.ids(), context.trained(), response.ids(), s.maxPromptTokens(), s.maxResponseTokens()));
        }
        return rows;
    }

    private double validationLoss(CausalLm policy, List<Sequences.Row> rows, long eos, NDManager manager) {
        double weighted = 0;
        double tokens = 0;
        for (int from = 0; from < rows.size(); from += s.batchSize()) {
            Sequences.Batch b = Sequences.ofRows(rows.subList(from, Math.min(rows.size(), from + s.batchSize())), eos);
            try (NDManager m = manager.newSubManager()) {
                NDArray[] a = Sequences.arrays(m, b);
                NDArray logProbs = Sequences.nextTokenLogProbs(policy, new ParameterStore(m, false), a[0], a[1], false);
                weighted -= logProbs.mul(a[2]).sum().getFloat();
                tokens += responseTokens(b);
            }
        }
        return weighted / tokens;
    }

    /** Mean reward-model score of greedy answers to the first validation prompts. */
    private double validationReward(
            CausalLm policy,
            GptTokenizer tokenizer,
            ChatFormat format,
            List<Example> validation,
            RewardScorer selector,
            NDManager manager) {
        List<long[]> prompts = new ArrayList<>();
        for (Example e : validation.subList(0, Math.min(validation.size(), s.selectionPrompts()))) {
            prompts.add(
                    Sequences.fit(tokenizer.encode(format.prompt(e.question())), new long[0], s.maxPromptTokens(), 0)[
                            0]);
        }
        Generation g = new Generator(policy)
                .generate(manager, prompts, SamplingSettings.greedy(s.selectionMaxNewTokens()), new Random(s.seed()));
        List<long[]> responses = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            responses.add(g.response(i));
        }
        return RlMath.mean(selector.score(manager, prompts, responses));
    }

    private static long responseTokens(Sequences.Batch b) {
        long n = 0;
        for (float[] row : b.responseMask()) {
            for (float v : row) {
                n += (long) v;
            }
        }
        return n;
    }

    private static Object finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
