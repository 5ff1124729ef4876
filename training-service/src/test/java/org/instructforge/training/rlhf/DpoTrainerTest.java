package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpoTrainerTest {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    private static final String CHOSEN = "yes indeed";
    private static final String REJECTED = "no way";
    private static final List<String> FILLER = List.of("blue", "tree", "river", "seven", "cloud", "stone");

    @TempDir
    Path tmp;

    private static DpoTrainer.Settings settings(
            DpoTrainer.Loss loss, float beta, boolean referenceFree, int epochs, float lr, int checkpointEvery) {
        return rpo(loss, beta, referenceFree, epochs, lr, checkpointEvery, 0f);
    }

    private static DpoTrainer.Settings rpo(
            DpoTrainer.Loss loss,
            float beta,
            boolean referenceFree,
            int epochs,
            float lr,
            int checkpointEvery,
            float rpoAlpha) {
        return new DpoTrainer.Settings(
                5, epochs, 4, lr, 0.1f, beta, loss, referenceFree, rpoAlpha, 0f, 1f, 32, 16, 4, checkpointEvery);
    }

    private static DpoTrainer.Settings objective(DpoTrainer.Loss loss, float beta, boolean referenceFree) {
        return settings(loss, beta, referenceFree, 1, 1e-4f, 10);
    }

    /**
     * Toy preference: K = 4 outputs in shuffled order, the fixed CHOSEN string always ranked first, the fixed
     * REJECTED string always last, two filler words tied in between (so each ranking has 5 strict pairs).
     */
    private static List<RewardTrainer.RankedExample> toyRankings(String promptPrefix, int count, long seed) {
        Random rng = new Random(seed);
        List<RewardTrainer.RankedExample> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            List<String> outputs = new ArrayList<>(List.of(
                    CHOSEN, FILLER.get(rng.nextInt(FILLER.size())), FILLER.get(rng.nextInt(FILLER.size())), REJECTED));
            List<Integer> ranks = new ArrayList<>(List.of(1, 2, 2, 4));
            long shuffle = rng.nextLong();
            Collections.shuffle(outputs, new Random(shuffle));
            Collections.shuffle(ranks, new Random(shuffle)); // the same permutation: ranks follow their outputs
            out.add(new RewardTrainer.RankedExample(
                    promptPrefix + " " + e + "?", outputs, RankedCandidates.of(List.of(0L, 1L, 2L, 3L), ranks)));
        }
        return out;
    }

    /** Mean of log pi(CHOSEN | x) - log pi(REJECTED | x) over the prompts, response tokens only. */
    private static double chosenOverRejected(Path model, List<RewardTrainer.RankedExample> prompts, NDManager manager)
            throws IOException {
        try (NDManager m = manager.newSubManager();
                GptTokenizer tokenizer = GptTokenizer.load(model)) {
            CausalLm gpt = HfCheckpoint.load(model, m, false, 0f);
            List<long[]> promptRows = new ArrayList<>();
            List<long[]> responseRows = new ArrayList<>();
            for (RewardTrainer.RankedExample e : prompts) {
                for (String response : List.of(CHOSEN, REJECTED)) {
                    promptRows.add(tokenizer.encode(ChatTemplate.prompt(e.prompt())));
                    responseRows.add(tokenizer.encode(ChatTemplate.response(response)));
                }
            }
            NDArray[] a = Sequences.arrays(
                    m, Sequences.of(promptRows, responseRows, gpt.config().eosTokenId()));
            float[] logProbs = Sequences.responseLogProbs(gpt, new ParameterStore(m, false), a, false)
                    .toFloatArray();
            double sum = 0;
            for (int i = 0; i < logProbs.length; i += 2) {
                sum += logProbs[i] - logProbs[i + 1];
            }
            return sum / prompts.size();
        }
    }

    @Test
    void lossMatchesHandComputedValuesForSigmoidIpoAndReferenceFree() {
        // (log pi(y_w), log pi(y_l), log ref(y_w), log ref(y_l)) per pair:
        //   pair 0 (-2, -5, -3, -4): logratio_w = 1, logratio_l = -1, gap 2;  reference-free gap 3
        //   pair 1 (-10, -1, -8, -2): logratio_w = -2, logratio_l = 1, gap -3; reference-free gap -9
        // sigmoid, beta 0.1: h = 0.2, -0.3; -log sigmoid(h) = log(1 + e^-h)
        assertThat(twoPairLosses(DpoTrainer.Loss.SIGMOID, 0.1f, false))
                .containsExactly(new float[] {0.598139f, 0.854355f}, within(1e-5f));
        // sigmoid, beta 0.5: h = 1, -1.5
        assertThat(twoPairLosses(DpoTrainer.Loss.SIGMOID, 0.5f, false))
                .containsExactly(new float[] {0.313262f, 1.701413f}, within(1e-5f));
        // IPO, beta 0.1: target gap 1 / (2 * 0.1) = 5; (2 - 5)^2 = 9, (-3 - 5)^2 = 64
        assertThat(twoPairLosses(DpoTrainer.Loss.IPO, 0.1f, false))
                .containsExactly(new float[] {9f, 64f}, within(1e-4f));
        // IPO, beta 0.5: target 1; (2 - 1)^2 = 1, (-3 - 1)^2 = 16
        assertThat(twoPairLosses(DpoTrainer.Loss.IPO, 0.5f, false))
                .containsExactly(new float[] {1f, 16f}, within(1e-5f));
        // reference-free, beta 0.1: the reference's log-probs are ignored, h = 0.3, -0.9
        assertThat(twoPairLosses(DpoTrainer.Loss.SIGMOID, 0.1f, true))
                .containsExactly(new float[] {0.554355f, 1.241154f}, within(1e-5f));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray chosen = m.create(new float[] {-2, -10});
            NDArray rejected = m.create(new float[] {-5, -1});
            DpoTrainer.Settings free = objective(DpoTrainer.Loss.SIGMOID, 0.1f, true);
            assertThat(DpoTrainer.pairLosses(free, chosen, rejected, null, null).toFloatArray())
                    .containsExactly(new float[] {0.554355f, 1.241154f}, within(1e-5f)); // and may be absent
        }
    }

    /** The losses of the two pairs above under one objective. */
    private static float[] twoPairLosses(DpoTrainer.Loss loss, float beta, boolean referenceFree) {
        try (NDManager m = NDManager.newBaseManager()) {
            return DpoTrainer.pairLosses(
                            objective(loss, beta, referenceFree),
                            m.create(new float[] {-2, -10}),
                            m.create(new float[] {-5, -1}),
                            m.create(new float[] {-3, -8}),
                            m.create(new float[] {-4, -2}))
                    .toFloatArray();
        }
    }

    @Test
    void sigmoidGradientRaisesTheChosenAndLowersTheRejectedLogProbByBetaTimesSigmoidOfMinusH() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray chosen = m.create(new float[] {-2, -10});
            NDArray rejected = m.create(new float[] {-5, -1});
            chosen.setRequiresGradient(true);
            rejected.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(DpoTrainer.pairLosses(
                                objective(DpoTrainer.Loss.SIGMOID, 0.1f, false),
                                chosen,
                                rejected,
                                m.create(new float[] {-3, -8}),
                                m.create(new float[] {-4, -2}))
                        .sum());
            }
            // d/d log pi(y_w) of -log sigmoid(h) = -beta * sigmoid(-h); h = 0.2, -0.3
            float g0 = (float) (-0.1 / (1 + Math.exp(0.2)));
            float g1 = (float) (-0.1 / (1 + Math.exp(-0.3)));
            assertThat(chosen.getGradient().toFloatArray()).containsExactly(new float[] {g0, g1}, within(1e-6f));
            assertThat(rejected.getGradient().toFloatArray()).containsExactly(new float[] {-g0, -g1}, within(1e-6f));
        }
    }

    @Test
    void pairsDropTiesAndEveryPromptWeighsTheSameWhateverItsK() throws IOException {
        List<Long> four = List.of(0L, 1L, 2L, 3L);
        List<Long> nine = LongStream.range(0, 9).boxed().toList();
        List<String> fourOutputs = List.of("a", "b", "c", "d");
        List<String> nineOutputs = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
        List<RewardTrainer.RankedExample> examples = List.of(
                // K = 4 with outputs 1 and 2 tied: 6 - 1 = 5 pairs
                new RewardTrainer.RankedExample("four", fourOutputs, RankedCandidates.of(four, List.of(1, 2, 2, 4))),
                new RewardTrainer.RankedExample("tied", fourOutputs, RankedCandidates.of(four, List.of(1, 1, 1, 1))),
                new RewardTrainer.RankedExample("skipped", fourOutputs, RankedCandidates.notRankable(four)),
                // K = 9, strict: C(9, 2) = 36 pairs
                new RewardTrainer.RankedExample("nine", nineOutputs, RankedCandidates.ofOrder(nine)));
        try (GptTokenizer tokenizer = GptTokenizer.load(TinyModels.baseModel())) {
            List<Rankings.Encoded> encoded =
                    Rankings.encode(tokenizer, ChatFormat.of(TinyModels.baseModel()), examples, 32, 16);
            assertThat(encoded).hasSize(2); // all-tied and not-rankable dropped
            Rankings.Rows rows = Rankings.Rows.of(encoded, 0);
            assertThat(rows.batch().tokens().length).isEqualTo(4 + 9);
            assertThat(rows.winners()).hasSize(5 + 36);
            double fourWeight = 0;
            double nineWeight = 0;
            for (int i = 0; i < rows.winners().length; i++) {
                boolean ofFour = rows.winners()[i] < 4;
                assertThat(rows.losers()[i] < 4).isEqualTo(ofFour); // a pair never spans two prompts
                assertThat(Arrays.asList(rows.winners()[i], rows.losers()[i])).isNotEqualTo(List.of(1L, 2L));
                assertThat(Arrays.asList(rows.winners()[i], rows.losers()[i])).isNotEqualTo(List.of(2L, 1L));
                if (ofFour) {
                    fourWeight += rows.weights()[i];
                } else {
                    nineWeight += rows.weights()[i];
                }
            }
            assertThat(fourWeight).isCloseTo(0.5, within(1e-6));
            assertThat(nineWeight).isCloseTo(0.5, within(1e-6));
        }
    }

    /** The metrics of a one-step run on four toy rankings plus an all-tied and a not-rankable one. */
    private Map<String, Double> firstStep(DpoTrainer.Loss loss, boolean referenceFree) throws IOException {
        Path sft = TinyModels.random(tmp.resolve("sft"), 1, false);
        List<RewardTrainer.RankedExample> train = new ArrayList<>(toyRankings("Question", 4, 1));
        List<Long> ids = List.of(0L, 1L, 2L, 3L);
        List<String> outputs = List.of("a", "b", "c", "d");
        train.add(new RewardTrainer.RankedExample("tied", outputs, RankedCandidates.of(ids, List.of(1, 1, 1, 1))));
        train.add(new RewardTrainer.RankedExample("skipped", outputs, RankedCandidates.notRankable(ids)));
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve(loss + "-" + referenceFree + ".jsonl"));
        Path out = tmp.resolve("out-" + loss + "-" + referenceFree);
        try (NDManager m = NDManager.newBaseManager()) {
            DpoTrainer.Result r = new DpoTrainer(settings(loss, 0.1f, referenceFree, 1, 1e-2f, 10), metrics, QUIET)
                    .train(sft, train, toyRankings("Held out", 2, 2), out, m, RunControl.NEVER);
            assertThat(r.steps()).isEqualTo(1); // the 4 rankings with strict pairs fill one batch of 4
        }
        assertThat(metrics.of("dpo")).hasSize(1);
        return metrics.of("dpo").get(0).values();
    }

    @Test
    void firstLossIsLogTwoForSigmoidAndTheSquaredTargetForIpoBecauseThePolicyStartsAsTheReference() throws IOException {
        Map<String, Double> sigmoid = firstStep(DpoTrainer.Loss.SIGMOID, false);
        assertThat(sigmoid.get("loss")).isCloseTo(Math.log(2), within(1e-5)); // every h = 0
        assertThat(sigmoid.get("reward_margin")).isCloseTo(0, within(1e-5));
        assertThat(sigmoid.get("chosen_reward")).isCloseTo(0, within(1e-5));
        assertThat(sigmoid.get("pairs")).isEqualTo(4 * 5.0); // ties, all-tied and not-rankable dropped
        // the step moved the policy: after it the held-out loss is no longer log 2
        assertThat(sigmoid.get("validation_loss")).isNotCloseTo(Math.log(2), within(1e-3));

        Map<String, Double> ipo = firstStep(DpoTrainer.Loss.IPO, false);
        assertThat(ipo.get("loss")).isCloseTo(25, within(1e-4)); // (0 - 1 / (2 * 0.1))^2
    }

    @Test
    void referenceFreeComparesThePolicysOwnLogProbsFromTheFirstStep() throws IOException {
        Map<String, Double> free = firstStep(DpoTrainer.Loss.SIGMOID, true);
        // no reference to cancel against: the margin is beta times the policy's own log-prob gap, not 0
        double gap = free.get("chosen_log_prob") - free.get("rejected_log_prob");
        assertThat(gap).isNotCloseTo(0, within(1e-2));
        assertThat(free.get("reward_margin")).isCloseTo(0.1 * gap, within(1e-4));
        assertThat(free.get("loss")).isNotCloseTo(Math.log(2), within(1e-3));
    }

    @Test
    void learnsAToyPreferenceThatCarriesToHeldOutPrompts() throws IOException {
        Path sft = TinyModels.random(tmp.resolve("sft"), 2, false);
        List<RewardTrainer.RankedExample> heldOut = toyRankings("Held out", 8, 4);
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("m.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            double before = chosenOverRejected(sft, heldOut, m);
            DpoTrainer.Result r = new DpoTrainer(
                            settings(DpoTrainer.Loss.SIGMOID, 0.1f, false, 1, 3e-3f, 100), metrics, QUIET)
                    .train(sft, toyRankings("Question", 32, 3), heldOut, tmp.resolve("out"), m, RunControl.NEVER);
            double after = chosenOverRejected(r.policy(), heldOut, m);
            assertThat(after).isGreaterThan(before + 2); // nats
            assertThat(r.validation().accuracy()).isGreaterThan(0.95);
            assertThat(r.validation().margin()).isGreaterThan(0);
            Checkpoints.verify(r.policy());
        }
        double[] accuracy = metrics.series("dpo", "accuracy")[1];
        assertThat(accuracy).hasSize(8);
        assertThat(accuracy[0]).isLessThan(0.5); // every margin is 0 at the start, and 0 is not a right answer
        assertThat(Arrays.stream(accuracy, 4, 8).average().orElseThrow()).isGreaterThan(0.95);
    }

    @Test
    void rpoKeepsTheChosenOutputsLikelyWherePlainDpoLowersThem() throws IOException {
        Path sft = TinyModels.random(tmp.resolve("sft"), 2, false);
        List<RewardTrainer.RankedExample> train = toyRankings("Question", 32, 3);
        List<RewardTrainer.RankedExample> heldOut = toyRankings("Held out", 8, 4);
        Map<Float, JsonlMetrics> runs = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (float alpha : new float[] {0f, 1f}) {
                JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("rpo-" + alpha + ".jsonl"));
                new DpoTrainer(rpo(DpoTrainer.Loss.SIGMOID, 0.1f, false, 1, 3e-3f, 100, alpha), metrics, QUIET)
                        .train(sft, train, heldOut, tmp.resolve("out-" + alpha), m, RunControl.NEVER);
                runs.put(alpha, metrics);
            }
        }
        // at the first step the policy is the reference, h = 0: the objective is log 2 plus the chosen outputs'
        // negative log-likelihood per token under a random model, well above 0
        assertThat(runs.get(0f).series("dpo", "loss")[1][0]).isCloseTo(Math.log(2), within(1e-5));
        assertThat(runs.get(1f).series("dpo", "loss")[1][0]).isGreaterThan(Math.log(2) + 1);
        // after training, held-out chosen outputs are likelier relative to the reference with the likelihood term
        double[] plain = runs.get(0f).series("dpo", "validation_chosen_reward")[1];
        double[] withRpo = runs.get(1f).series("dpo", "validation_chosen_reward")[1];
        assertThat(withRpo[withRpo.length - 1]).isGreaterThan(plain[plain.length - 1]);
        assertThat(withRpo[withRpo.length - 1]).isGreaterThan(0);
    }

    @Test
    void resumesBitForBitAfterAStop() throws IOException {
        Path sft = TinyModels.random(tmp.resolve("sft"), 3, false);
        List<RewardTrainer.RankedExample> train = toyRankings("Question", 16, 5);
        List<RewardTrainer.RankedExample> validation = toyRankings("Held out", 4, 6);
        DpoTrainer.Settings s = settings(DpoTrainer.Loss.SIGMOID, 0.1f, false, 2, 3e-3f, 3); // 2 epochs of 4 steps
        JsonlMetrics whole = new JsonlMetrics(tmp.resolve("whole.jsonl"));
        JsonlMetrics killed = new JsonlMetrics(tmp.resolve("killed.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            new DpoTrainer(s, whole, QUIET).train(sft, train, validation, tmp.resolve("a"), m, RunControl.NEVER);
            DpoTrainer.Result first = new DpoTrainer(s, killed, QUIET)
                    .train(sft, train, validation, tmp.resolve("b"), m, RunControl.stopBefore(5));
            assertThat(first.stopped()).isTrue();
            assertThat(killed.series("dpo", "loss")[1]).hasSize(5);
            // restart: resumes from the checkpoint at step 3, recomputes 4 and 5 (across the epoch), goes on to 8
            new DpoTrainer(s, killed, QUIET).train(sft, train, validation, tmp.resolve("b"), m, RunControl.NEVER);
        }
        assertThat(killed.series("dpo", "loss")[1]).hasSize(8);
        assertThat(killed.series("dpo", "loss")).isDeepEqualTo(whole.series("dpo", "loss"));
        assertThat(killed.series("dpo", "validation_accuracy"))
                .isDeepEqualTo(whole.series("dpo", "validation_accuracy"));
        assertThat(Files.readAllBytes(tmp.resolve("b/policy/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/policy/model.safetensors")));
        assertThat(Files.readAllBytes(tmp.resolve("b/policy/model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(sft.resolve("model.safetensors")));
    }
}
