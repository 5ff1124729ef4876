package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.AdamW;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;

/**
 * Step 2 of InstructGPT: a reward model fitted on labelers' K-way rankings, written out.
 *
 * <p>Each step: 1. a batch of ranked prompts, 2. one forward pass per completion (all K of a prompt together), 3. the
 * K-wise loss {@code -1/C(K,2) * sum log sigmoid(r(x, y_w) - r(x, y_l))} over the ranking's strict pairs (ties
 * dropped), averaged over the prompts, 4. backward, 5. AdamW with a cosine schedule. Keeping all comparisons of a
 * prompt in one batch element is the paper's fix for overfitting: shuffled as independent pairs they are correlated
 * and each completion would be seen K - 1 times per epoch. One epoch by default, as the paper.
 *
 * <p>After training, the scalar head's bias is shifted so that the demonstrations score 0 on average (a reward of 0
 * means "as good as a labeler's own answer"), then the model is saved to {@code OUT/model}. Validation: accuracy and
 * log loss on the held-out rankings' pairs.
 */
public final class RewardTrainer {

    /**
     * One labeler's ranking of K outputs of a prompt.
     *
     * @param question the conversation the outputs answer, ending with the user turn: earlier turns of a prompt
     *     imported as a conversation come first (one user turn for a plain prompt)
     * @param ranking candidate ids are the indices 0..K-1 of {@code outputs}
     */
    public record RankedExample(List<ChatMessage> question, List<String> outputs, RankedCandidates ranking) {
        public RankedExample {
            question = List.copyOf(question);
            outputs = List.copyOf(outputs);
            if (question.isEmpty() || !question.get(question.size() - 1).role().equals("user")) {
                throw new IllegalArgumentException("A ranked prompt's conversation must end with a user turn");
            }
            if (ranking.size() != outputs.size()) {
                throw new IllegalArgumentException(
                        "The ranking covers " + ranking.size() + " of " + outputs.size() + " outputs");
            }
        }

        /** A plain prompt: one user turn. */
        public RankedExample(String prompt, List<String> outputs, RankedCandidates ranking) {
            this(List.of(ChatMessage.user(prompt)), outputs, ranking);
        }

        /** The user turn the outputs answer (the last of {@link #question}). */
        public String prompt() {
            return question.get(question.size() - 1).content();
        }
    }

    /**
     * @param seed batch order
     * @param epochs passes over the rankings (InstructGPT: 1; more overfits)
     * @param batchSize prompts per step (InstructGPT: 64), each with all its K outputs
     * @param learningRate peak AdamW learning rate, cosine-decayed to {@code minLearningRateRatio} of it
     * @param minLearningRateRatio floor of the cosine
     * @param weightDecay decoupled, on matrices and embeddings
     * @param gradClip global gradient norm limit
     * @param maxPromptTokens longer prompts keep their end
     * @param maxResponseTokens longer outputs are cut
     * @param evalEvery steps between validation measurements (and at the end)
     * @param checkpointEvery steps between resumable checkpoints
     */
    public record Settings(
            long seed,
            int epochs,
            int batchSize,
            float learningRate,
            float minLearningRateRatio,
            float weightDecay,
            float gradClip,
            int maxPromptTokens,
            int maxResponseTokens,
            int evalEvery,
            int checkpointEvery) {

        public Settings {
            if (epochs < 1 || batchSize < 1 || evalEvery < 1 || checkpointEvery < 1 || learningRate <= 0) {
                throw new IllegalArgumentException("epochs, batch size, intervals and learning rate must be positive");
            }
        }

        public static Settings defaults() {
            // batch 16: why in shared-model's Hyperparameters, the dashboard's defaults (TrainerSettingsTest)
            return new Settings(1, 1, 16, 1e-4f, 0.1f, 0.0f, 1.0f, 128, 96, 20, 20);
        }

        public float learningRateAt(int step, int total) {
            return RlMath.cosineDecay(learningRate, minLearningRateRatio, step, total);
        }
    }

    /** Pairwise accuracy (ties in score count half) and mean log loss on held-out comparisons. */
    public record Validation(long pairs, double accuracy, double logLoss) {}

    /**
     * @param model the trained reward model (HF layout + {@code scalar_head.*}), bias-normalised
     * @param demonstrationMean mean demonstration score before the shift (the shift applied)
     */
    public record Result(Path model, Validation validation, double demonstrationMean, int steps, boolean stopped) {}

    static final String STAGE = "reward";

    private final Settings s;
    private final MetricSink metrics;
    private final PrintStream log;

    public RewardTrainer(Settings settings, MetricSink metrics, PrintStream log) {
        this.s = settings;
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * Trains from {@code init} (the SFT or base model; a missing scalar head starts random) or resumes the newest
     * checkpoint under {@code out}.
     *
     * @param demonstrations labelers' answers whose mean score becomes 0
     */
    public Result train(
            Path init,
            List<RankedExample> train,
            List<RankedExample> validation,
            List<SftTrainer.Example> demonstrations,
            Path out,
            NDManager manager,
            RunControl control)
            throws IOException {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("The reward model needs training and validation rankings");
        }
        Path checkpoints = out.resolve(Checkpoints.FOLDER);
        Optional<Path> resume = Checkpoints.latest(checkpoints);
        Engine.getInstance().setRandomSeed((int) s.seed()); // the fresh scalar head's initial weights
        CausalLm rm = HfCheckpoint.load(resume.orElse(init), manager, true, 0f);
        AdamW optimizer = new AdamW(
                rm.parametersByName(),
                AdamW.Settings.instructGpt(s.weightDecay()).withClip(s.gradClip()),
                manager);
        int start = 0;
        if (resume.isPresent()) {
            start = Checkpoints.resume(resume.get(), optimizer, STAGE, metrics, log)
                    .path("step")
                    .asInt();
        }
        ChatFormat format = ChatFormat.of(init);
        try (GptTokenizer tokenizer = GptTokenizer.load(init)) {
            List<Rankings.Encoded> trainRows =
                    Rankings.encode(tokenizer, format, train, s.maxPromptTokens(), s.maxResponseTokens());
            List<Rankings.Encoded> validationRows =
                    Rankings.encode(tokenizer, format, validation, s.maxPromptTokens(), s.maxResponseTokens());
            int stepsPerEpoch = (trainRows.size() + s.batchSize() - 1) / s.batchSize();
            int total = s.epochs() * stepsPerEpoch;
            long eos = rm.config().eosTokenId();
            Validation v = null;
            for (int step = start; step < total; step++) {
                if (control.shouldStop(step)) {
                    return new Result(null, v, Double.NaN, step, true);
                }
                // 1. this step's ranked prompts (seeded shuffle per epoch)
                List<Rankings.Encoded> batch =
                        Sequences.batchAt(trainRows, step, stepsPerEpoch, s.batchSize(), s.seed());
                Rankings.Rows rows = Rankings.Rows.of(batch, eos);
                float lr = s.learningRateAt(step, total);
                float loss;
                float gradNorm;
                double accuracy;
                try (NDManager m = manager.newSubManager()) {
                    NDArray lossArray;
                    NDArray rewards;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        // 2. one forward pass per completion: every output of every prompt in one batch
                        rewards = RewardScorer.forward(rm, new ParameterStore(m, false), m, rows.batch(), true); // (N)
                        // 3. K-wise loss over each prompt's strict pairs, each prompt weighing the same
                        lossArray = kWiseLoss(rewards, rows.winners(), rows.losers(), rows.weights());
                        // 4. backward
                        collector.backward(lossArray);
                    }
                    loss = lossArray.getFloat();
                    accuracy = pairAccuracy(rewards.toFloatArray(), rows.winners(), rows.losers());
                    // 5. AdamW
                    gradNorm = optimizer.step(lr);
                }
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("loss", (double) loss);
                values.put("accuracy", accuracy);
                values.put("learning_rate", (double) lr);
                values.put("grad_norm", (double) gradNorm);
                values.put("pairs", (double) rows.winners().length);
                if ((step + 1) % s.evalEvery() == 0 || step == total - 1) {
                    v = validate(rm, validationRows, eos, manager);
                    values.put("validation_accuracy", v.accuracy());
                    values.put("validation_log_loss", v.logLoss());
                    log.printf(
                            Locale.ROOT,
                            "reward step %d/%d  loss %.4f  train acc %.3f  validation acc %.3f  log loss %.4f%n",
                            step + 1,
                            total,
                            loss,
                            accuracy,
                            v.accuracy(),
                            v.logLoss());
                }
                metrics.record(STAGE, step + 1, values);
                if ((step + 1) % s.checkpointEvery() == 0 || step == total - 1) {
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("stage", STAGE);
                    state.put("step", step + 1);
                    state.put("total_steps", total);
                    SftTrainer.saveCheckpoint(rm, optimizer, init, Checkpoints.stepDir(checkpoints, step + 1), state);
                    Checkpoints.keepLast(checkpoints, 2);
                }
            }
            if (v == null) {
                v = validate(rm, validationRows, eos, manager);
            }
            double shift = normaliseToDemonstrations(rm, tokenizer, format, demonstrations, manager);
            log.printf(
                    Locale.ROOT, "reward: demonstrations scored %.4f on average; bias shifted to make it 0%n", shift);
            Path model = Checkpoints.saveModel(rm, out.resolve("model"), init);
            return new Result(model, v, shift, total, false);
        }
    }

    /**
     * The InstructGPT reward-model loss: {@code sum_pairs weight * -log sigmoid(r_w - r_l)}, the weights being
     * {@code 1 / (pairs of the prompt * prompts)} so that each prompt's C(K,2) comparisons count as one element.
     */
    public static NDArray kWiseLoss(NDArray rewards, long[] winners, long[] losers, float[] weights) {
        NDManager m = rewards.getManager();
        NDArray margin = rewards.gather(m.create(winners), 0).sub(rewards.gather(m.create(losers), 0)); // (P)
        return logSigmoid(margin).neg().mul(m.create(weights)).sum();
    }

    /** log sigmoid(x) without overflow: the log-softmax of (0, x) at x. */
    static NDArray logSigmoid(NDArray x) {
        return NDArrays.stack(new NDList(x.zerosLike(), x), 1).logSoftmax(1).get(":, 1");
    }

    /** Accuracy and log loss on the validation rankings, scored without gradients. */
    private Validation validate(CausalLm rm, List<Rankings.Encoded> rows, long eos, NDManager manager) {
        long pairs = 0;
        double right = 0;
        double logLoss = 0;
        for (int from = 0; from < rows.size(); from += s.batchSize()) {
            Rankings.Rows r = Rankings.Rows.of(rows.subList(from, Math.min(rows.size(), from + s.batchSize())), eos);
            try (NDManager m = manager.newSubManager()) {
                float[] scores = RewardScorer.forward(rm, new ParameterStore(m, false), m, r.batch(), false)
                        .toFloatArray();
                for (int i = 0; i < r.winners().length; i++) {
                    double margin = scores[(int) r.winners()[i]] - scores[(int) r.losers()[i]];
                    right += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
                    logLoss += Math.log1p(Math.exp(-Math.abs(margin))) + Math.max(-margin, 0); // -log sigmoid
                    pairs++;
                }
            }
        }
        return new Validation(
                pairs, pairs == 0 ? Double.NaN : right / pairs, pairs == 0 ? Double.NaN : logLoss / pairs);
    }

    private static double pairAccuracy(float[] scores, long[] winners, long[] losers) {
        double right = 0;
        for (int i = 0; i < winners.length; i++) {
            float margin = scores[(int) winners[i]] - scores[(int) losers[i]];
            right += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
        }
        return winners.length == 0 ? Double.NaN : right / winners.length;
    }

    /** Shifts the scalar head's bias so the demonstrations' mean score is 0; returns the mean before the shift. */
    private double normaliseToDemonstrations(
            CausalLm rm,
            GptTokenizer tokenizer,
            ChatFormat format,
            List<SftTrainer.Example> demonstrations,
            NDManager manager) {
        if (demonstrations.isEmpty()) {
            return 0;
        }
        List<long[]> prompts = new ArrayList<>();
        List<long[]> responses = new ArrayList<>();
        for (SftTrainer.Example d : demonstrations) {
            long[][] pr = Sequences.fit(
                    tokenizer.encode(format.prompt(d.question())),
                    tokenizer.encode(format.response(d.question(), d.response())),
                    s.maxPromptTokens(),
                    s.maxResponseTokens());
            prompts.add(pr[0]);
            responses.add(pr[1]);
        }
        double mean = RlMath.mean(new RewardScorer(rm, s.batchSize()).score(manager, prompts, responses));
        rm.parametersByName().get("scalar_head.bias").getArray().subi((float) mean);
        return mean;
    }
}
