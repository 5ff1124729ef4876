package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.AdamW;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;

/**
 * Direct preference optimisation (Rafailov et al. 2023), the alternative to InstructGPT's steps 2 and 3: the policy is
 * fitted to the labelers' rankings directly, with no reward model and no sampling, written out.
 *
 * <p>Why it works: the KL-regularised objective PPO maximises, {@code E[r(x, y)] - beta KL(pi || ref)}, is maximised by
 * {@code pi(y|x) = ref(y|x) exp(r(x, y) / beta) / Z(x)}. Read backwards, every policy defines an implicit reward
 * {@code r(x, y) = beta log(pi(y|x) / ref(y|x)) + beta log Z(x)}, and in a comparison of two outputs of one prompt
 * {@code Z(x)} cancels. Fitting that reward with the reward model's Bradley-Terry loss therefore fits the policy
 * itself (the paper's eq. 7): per pair, with log-probs summed over the response tokens,
 *
 * <pre>h = beta * [(log pi(y_w) - log ref(y_w)) - (log pi(y_l) - log ref(y_l))],   loss = -log sigmoid(h)</pre>
 *
 * <p>Each step: 1. a batch of ranked prompts, each with all its K outputs and the ranking's strict pairs, the same
 * rows as the reward model's ({@link Rankings}: all C(K,2) pairs but the ties, not-rankable rankings dropped, each
 * prompt weighing the same); 2. the frozen reference's log-probs of every output (outside autograd); 3. the policy's,
 * in one pass over all outputs; 4. the loss per pair ({@link #pairLosses}, plus RPO's likelihood term on the
 * chosen output when {@link Settings#rpoAlpha} is set), weighted; 5. backward; 6. AdamW with a
 * cosine schedule. The reference is the SFT policy, loaded once from {@code sftModel}; the policy starts as a copy of
 * it. Both run without dropout, as TRL's DPO does: otherwise the two would score the same output differently and h
 * would not start at 0. The reference pass is repeated each step rather than cached, which costs one forward pass
 * without backward and keeps memory flat.
 *
 * <p>Metrics ({@code dpo/...}) every step, means over the batch's pairs: {@code loss} (the weighted objective),
 * {@code chosen_reward} and {@code rejected_reward} (the implicit rewards {@code beta (log pi - log ref)}),
 * {@code reward_margin} (their difference), {@code accuracy} (share of pairs whose margin is positive), the policy's
 * {@code chosen_log_prob} and {@code rejected_log_prob} (both falling together is DPO's known way of widening the
 * margin without making chosen answers likelier); every {@code evalEvery} steps the same on the held-out rankings.
 * Checkpoints ({@code OUT/checkpoints/step-N}) hold the policy, the optimizer moments and the step; a run started
 * again on the same {@code OUT} resumes from the newest and computes bit for bit what the uninterrupted run would
 * have (batches come from the seed and the step; there is no dropout).
 */
public final class DpoTrainer {

    static final String STAGE = "dpo";

    /** What the loss does with h, the beta-scaled difference of the two log-ratios. */
    public enum Loss {
        /** {@code -log sigmoid(h)}: the Bradley-Terry likelihood of the labeler's choice (Rafailov et al., eq. 7). */
        SIGMOID,
        /**
         * {@code (h / beta - 1 / (2 beta))^2}: IPO (Azar et al. 2023, eq. 17) regresses the log-ratio gap to the
         * fixed target {@code 1 / (2 beta)} instead of pushing it to infinity. When one output always wins (simulated
         * labelers that agree, or a single ranking of a prompt), the sigmoid's optimum is an infinite gap and the
         * policy drifts from the reference however large beta is; IPO's beta keeps its meaning.
         */
        IPO
    }

    /**
     * @param seed batch order
     * @param epochs passes over the rankings (as the reward model: one; preference data overfits quickly)
     * @param batchSize prompts per step, each with all its K outputs. 16 prompts of K = 4 give 96 pairs, about the
     *     paper's 64; unlike the reward model DPO needs the whole (rows, T, V) logits of every output twice, which for
     *     64 prompts of up to 9 outputs would take gigabytes on a CPU
     * @param learningRate peak AdamW learning rate, cosine-decayed to {@code minLearningRateRatio} of it. The paper's
     *     1e-6 (RMSprop, models of 1B+ parameters) would not move this 2M-parameter GPT in the tens of steps a run
     *     has; 1e-4 is what the reward trainer uses to fine-tune the same network from the same SFT weights on the
     *     same rankings, and Adam's step does not depend on the loss scale (so beta does not shrink it)
     * @param minLearningRateRatio floor of the cosine
     * @param beta strength of the implicit KL constraint to the reference (the paper's 0.1); larger keeps the
     *     policy closer to the SFT policy. With IPO the log-ratio gap's target is {@code 1 / (2 beta)}
     * @param loss {@link Loss#SIGMOID} (DPO) or {@link Loss#IPO}
     * @param referenceFree take the reference's log-probs as 0 (no reference model, as SimPO without its length
     *     normalisation and margin): h compares the policy's own log-probs, and nothing ties the policy to SFT but
     *     the learning rate and the number of steps
     * @param rpoAlpha weight of a negative log-likelihood term on each pair's chosen output, per token (RPO, Pang et
     *     al. 2024; TRL's {@code rpo_alpha}; the paper uses 1): DPO widens the margin by lowering both outputs, and
     *     over hundreds of steps the mass it takes from the chosen answers goes to answers no labeler ranked. 0 is
     *     plain DPO
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
            float beta,
            Loss loss,
            boolean referenceFree,
            float rpoAlpha,
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
            if (!(beta > 0) || loss == null) {
                throw new IllegalArgumentException("beta must be positive and the loss sigmoid or ipo");
            }
            if (!(rpoAlpha >= 0)) {
                throw new IllegalArgumentException("rpoAlpha must be 0 or more");
            }
        }

        /**
         * The paper's beta and loss; batch size and learning rate for a 2M-parameter model on a CPU (see above); RPO's
         * term at the RPO paper's alpha 1, since plain DPO on the demo world's rankings learnt to comply with harmful
         * requests (86 % of held-out ones against SFT's 2.8 %; with the term 0 %: README, "Experiment").
         */
        public static Settings defaults() {
            return new Settings(1, 1, 16, 1e-4f, 0.1f, 0.1f, Loss.SIGMOID, false, 1f, 0.0f, 1.0f, 128, 96, 20, 20);
        }

        public float learningRateAt(int step, int total) {
            return RlMath.cosineDecay(learningRate, minLearningRateRatio, step, total);
        }
    }

    /**
     * The loss and the implicit rewards on held-out comparisons.
     *
     * @param loss the objective, each prompt weighing the same
     * @param accuracy share of pairs whose implicit reward margin is positive
     * @param margin mean implicit reward margin {@code beta * (logratio_w - logratio_l)}
     */
    public record Validation(long pairs, double loss, double accuracy, double margin) {}

    /**
     * @param policy the trained policy (HF layout with tokenizer, loadable as the SFT output is); null when stopped
     * @param validation the last validation measurement (null when stopped before the first)
     * @param steps steps completed; less than the plan when the run was stopped
     * @param stopped true when {@link RunControl} ended the run early
     */
    public record Result(Path policy, Validation validation, int steps, boolean stopped) {}

    private final Settings s;
    private final MetricSink metrics;
    private final PrintStream log;

    public DpoTrainer(Settings settings, MetricSink metrics, PrintStream log) {
        this.s = settings;
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * Trains the policy from {@code sftModel} (also the frozen reference) or resumes the newest checkpoint under
     * {@code out}, and writes {@code out/policy}.
     */
    public Result train(
            Path sftModel,
            List<RewardTrainer.RankedExample> train,
            List<RewardTrainer.RankedExample> validation,
            Path out,
            NDManager manager,
            RunControl control)
            throws IOException {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("DPO needs training and validation rankings");
        }
        Path checkpoints = out.resolve(Checkpoints.FOLDER);
        Optional<Path> resume = Checkpoints.latest(checkpoints);
        CausalLm policy = HfCheckpoint.load(resume.orElse(sftModel), manager, false, 0f);
        CausalLm reference = s.referenceFree() ? null : HfCheckpoint.load(sftModel, manager, false, 0f);
        AdamW optimizer = new AdamW(
                policy.parametersByName(),
                AdamW.Settings.instructGpt(s.weightDecay()).withClip(s.gradClip()),
                manager);
        int start = 0;
        if (resume.isPresent()) {
            start = Checkpoints.resume(resume.get(), optimizer, STAGE, metrics, log)
                    .path("step")
                    .asInt();
        }
        ChatFormat format = ChatFormat.of(sftModel);
        try (GptTokenizer tokenizer = GptTokenizer.load(sftModel)) {
            List<Rankings.Encoded> trainRows =
                    Rankings.encode(tokenizer, format, train, s.maxPromptTokens(), s.maxResponseTokens());
            List<Rankings.Encoded> validationRows =
                    Rankings.encode(tokenizer, format, validation, s.maxPromptTokens(), s.maxResponseTokens());
            if (trainRows.isEmpty() || validationRows.isEmpty()) {
                throw new IllegalArgumentException("DPO needs rankings that order at least two outputs strictly");
            }
            int stepsPerEpoch = (trainRows.size() + s.batchSize() - 1) / s.batchSize();
            int total = s.epochs() * stepsPerEpoch;
            long eos = policy.config().eosTokenId();
            Validation v = null;
            for (int step = start; step < total; step++) {
                if (control.shouldStop(step)) {
                    return new Result(null, v, step, true);
                }
                // 1. this step's ranked prompts (seeded shuffle per epoch), all outputs as rows, pairs weighted
                List<Rankings.Encoded> batch =
                        Sequences.batchAt(trainRows, step, stepsPerEpoch, s.batchSize(), s.seed());
                Rankings.Rows rows = Rankings.Rows.of(batch, eos);
                float lr = s.learningRateAt(step, total);
                Implicit implicit = new Implicit();
                float loss;
                float gradNorm;
                try (NDManager m = manager.newSubManager()) {
                    NDArray[] a = Sequences.arrays(m, rows.batch());
                    // 2. the reference's log p(y|x) of every output, outside autograd: it stays frozen
                    NDArray refLogProbs = referenceLogProbs(reference, m, a); // (N), null when reference-free
                    NDArray logProbs;
                    NDArray lossArray;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        // 3. the policy's log p(y|x) of every output, one pass over all K outputs of each prompt
                        logProbs = Sequences.responseLogProbs(policy, new ParameterStore(m, false), a, true); // (N)
                        // 4. DPO loss per pair, each prompt's pairs together weighing 1 / prompts
                        lossArray = weightedLoss(logProbs, refLogProbs, a[2], rows);
                        // 5. backward
                        collector.backward(lossArray);
                    }
                    loss = lossArray.getFloat();
                    implicit.add(
                            logProbs.toFloatArray(), refLogProbs == null ? null : refLogProbs.toFloatArray(), rows);
                    // 6. AdamW (clips the global norm, zeroes the gradients)
                    gradNorm = optimizer.step(lr);
                }
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("loss", (double) loss);
                implicit.putInto(values, "");
                values.put("learning_rate", (double) lr);
                values.put("grad_norm", (double) gradNorm);
                values.put("pairs", (double) rows.winners().length);
                if ((step + 1) % s.evalEvery() == 0 || step == total - 1) {
                    v = validate(policy, reference, validationRows, eos, manager, values);
                    log.printf(
                            Locale.ROOT,
                            "dpo step %d/%d  loss %.4f  margin %.3f  train acc %.3f  validation acc %.3f  loss %.4f%n",
                            step + 1,
                            total,
                            loss,
                            values.get("reward_margin"),
                            values.get("accuracy"),
                            v.accuracy(),
                            v.loss());
                }
                metrics.record(STAGE, step + 1, values);
                if ((step + 1) % s.checkpointEvery() == 0 || step == total - 1) {
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("stage", STAGE);
                    state.put("step", step + 1);
                    state.put("total_steps", total);
                    SftTrainer.saveCheckpoint(
                            policy, optimizer, sftModel, Checkpoints.stepDir(checkpoints, step + 1), state);
                    Checkpoints.keepLast(checkpoints, 2);
                }
            }
            if (v == null) {
                v = validate(policy, reference, validationRows, eos, manager, new LinkedHashMap<>());
            }
            Path model = Checkpoints.saveModel(policy, out.resolve("policy"), sftModel);
            return new Result(model, v, total, false);
        }
    }

    /**
     * DPO's loss of each pair, (P), from the summed response log-probs of the chosen and the rejected output under
     * the policy ({@code chosen}, {@code rejected}) and the reference (ignored, and may be null, when
     * {@link Settings#referenceFree}). With {@code logratio = log pi - log ref} and
     * {@code h = beta * (logratio_w - logratio_l)}: sigmoid {@code -log sigmoid(h)}, IPO
     * {@code (h / beta - 1 / (2 beta))^2}. A pure function of its inputs, differentiable in the policy's.
     */
    public static NDArray pairLosses(
            Settings s, NDArray chosen, NDArray rejected, NDArray refChosen, NDArray refRejected) {
        NDArray gap = s.referenceFree()
                ? chosen.sub(rejected)
                : chosen.sub(refChosen).sub(rejected.sub(refRejected)); // (P) logratio_w - logratio_l
        return switch (s.loss()) {
            case SIGMOID ->
                RewardTrainer.logSigmoid(gap.mul(Gpt.scalar(gap, s.beta()))).neg(); // (P)
            case IPO -> gap.sub(Gpt.scalar(gap, 1 / (2 * s.beta()))).square(); // (P)
        };
    }

    /**
     * sum over pairs of weight * loss: the objective of one batch, each prompt weighing the same. With
     * {@link Settings#rpoAlpha} each pair also adds alpha times its chosen output's negative log-likelihood per
     * response token ({@code responseMask}, (N, T-1), counts the tokens).
     */
    private NDArray weightedLoss(NDArray logProbs, NDArray refLogProbs, NDArray responseMask, Rankings.Rows rows) {
        NDManager m = logProbs.getManager();
        NDArray w = m.create(rows.winners());
        NDArray l = m.create(rows.losers());
        NDArray refChosen = refLogProbs == null ? null : refLogProbs.gather(w, 0); // (P)
        NDArray refRejected = refLogProbs == null ? null : refLogProbs.gather(l, 0); // (P)
        NDArray losses = pairLosses(s, logProbs.gather(w, 0), logProbs.gather(l, 0), refChosen, refRejected); // (P)
        if (s.rpoAlpha() > 0) {
            NDArray perToken = logProbs.div(responseMask.sum(new int[] {1}).maximum(1f)); // (N) mean log p per token
            losses = losses.sub(perToken.gather(w, 0).mul(s.rpoAlpha())); // (P) + alpha * NLL(chosen)
        }
        return losses.mul(m.create(rows.weights())).sum();
    }

    /** The frozen reference's log p(y|x) of every row, (N); null when reference-free. */
    private static NDArray referenceLogProbs(CausalLm reference, NDManager m, NDArray[] a) {
        return reference == null ? null : Sequences.responseLogProbs(reference, new ParameterStore(m, false), a, false);
    }

    /** Loss and implicit rewards on the held-out rankings, without gradients; adds them to {@code values}. */
    private Validation validate(
            CausalLm policy,
            CausalLm reference,
            List<Rankings.Encoded> rows,
            long eos,
            NDManager manager,
            Map<String, Double> values) {
        Implicit implicit = new Implicit();
        double loss = 0;
        for (int from = 0; from < rows.size(); from += s.batchSize()) {
            List<Rankings.Encoded> part = rows.subList(from, Math.min(rows.size(), from + s.batchSize()));
            Rankings.Rows r = Rankings.Rows.of(part, eos);
            try (NDManager m = manager.newSubManager()) {
                NDArray[] a = Sequences.arrays(m, r.batch());
                NDArray refLogProbs = referenceLogProbs(reference, m, a); // (N)
                NDArray logProbs = Sequences.responseLogProbs(policy, new ParameterStore(m, false), a, false); // (N)
                loss += weightedLoss(logProbs, refLogProbs, a[2], r).getFloat()
                        * part.size(); // a batch's mean, re-weighted
                implicit.add(logProbs.toFloatArray(), refLogProbs == null ? null : refLogProbs.toFloatArray(), r);
            }
        }
        values.put("validation_loss", loss / rows.size());
        implicit.putInto(values, "validation_");
        return new Validation(implicit.pairs, loss / rows.size(), implicit.right / implicit.pairs, implicit.margin());
    }

    /**
     * Running sums over pairs of the implicit rewards {@code beta * (log pi(y|x) - log ref(y|x))} (the paper's eq. 5
     * without the partition term, which cancels within a pair) and of the policy's own log-probs.
     */
    private final class Implicit {
        long pairs;
        double chosen;
        double rejected;
        double right;
        double chosenLogProb;
        double rejectedLogProb;

        void add(float[] logProbs, float[] refLogProbs, Rankings.Rows rows) {
            for (int i = 0; i < rows.winners().length; i++) {
                int w = (int) rows.winners()[i];
                int l = (int) rows.losers()[i];
                double rw = s.beta() * (logProbs[w] - (refLogProbs == null ? 0 : refLogProbs[w]));
                double rl = s.beta() * (logProbs[l] - (refLogProbs == null ? 0 : refLogProbs[l]));
                chosen += rw;
                rejected += rl;
                right += rw > rl ? 1 : 0;
                chosenLogProb += logProbs[w];
                rejectedLogProb += logProbs[l];
                pairs++;
            }
        }

        double margin() {
            return (chosen - rejected) / pairs;
        }

        void putInto(Map<String, Double> values, String prefix) {
            values.put(prefix + "reward_margin", margin());
            values.put(prefix + "chosen_reward", chosen / pairs);
            values.put(prefix + "rejected_reward", rejected / pairs);
            values.put(prefix + "accuracy", right / pairs);
            values.put(prefix + "chosen_log_prob", chosenLogProb / pairs);
            values.put(prefix + "rejected_log_prob", rejectedLogProb / pairs);
        }
    }
}
