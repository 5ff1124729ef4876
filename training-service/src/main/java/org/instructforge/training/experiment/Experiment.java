package org.instructforge.training.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.instructforge.shared.ranking.ComparisonPairs;
import org.instructforge.shared.ranking.PreferencePair;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.corpus.InstructionCorpus;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.evaluation.BehaviourRates;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.rlhf.DpoTrainer;
import org.instructforge.training.rlhf.PpoTrainer;
import org.instructforge.training.rlhf.RewardFunction;
import org.instructforge.training.rlhf.RewardScorer;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.RlMath;
import org.instructforge.training.rlhf.SftTrainer;
import org.instructforge.training.simulation.SimulatedLabeler;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;
import org.instructforge.training.toolbox.SettingsOverrides;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole InstructGPT loop on the base model with simulated labelers, end to end: base -> SFT on demonstrations ->
 * reward model on K-way rankings of SFT samples -> PPO -> blind pairwise comparison of PPO against SFT on held-out
 * prompts, judged by a simulated labeler who labelled nothing in training (the paper's held-out labelers).
 * Everything is seeded: the same settings give the same report.
 */
public final class Experiment {

    /**
     * The headline figures (also in {@code summary.json}): the labelers' calibration, the reward model's accuracy, and
     * the held-out comparison of PPO against SFT (win rate with a tie as half a win, its interval, the tie share, the
     * win rate among decided pairs and a noiseless judge's) with PPO's KL and answer variety.
     */
    public record Summary(
            double labelerAgreement,
            double labelerNoise,
            double rewardValidationAccuracy,
            double rewardHeldOutLabelerAccuracy,
            Comparison ppoVsSft,
            double meanKl,
            double ppoDistinctShare,
            double sftDistinctShare,
            Map<String, Object> details) {

        /** PPO's share of the held-out comparisons against SFT, a tie counting half. */
        public double winRate() {
            return ppoVsSft.winRate();
        }

        public double noiselessWinRate() {
            return ppoVsSft.noiselessWinRate();
        }

        public int comparisons() {
            return ppoVsSft.comparisons();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ExperimentSettings s;
    private final PrintStream log;

    private final boolean oracleReward;

    public Experiment(ExperimentSettings settings, PrintStream log) {
        this(settings, log, false);
    }

    /**
     * @param oracleReward a diagnostic: PPO optimises the noiseless judge's score instead of the reward model's,
     *     which shows how much of the gap to the targets is the reward model's
     */
    public Experiment(ExperimentSettings settings, PrintStream log, boolean oracleReward) {
        this.s = settings;
        this.log = log;
        this.oracleReward = oracleReward;
    }

    public Summary run(Path baseModel, Path out, NDManager manager) throws IOException {
        Files.createDirectories(out);
        try (Run run = new Run(baseModel, out, manager)) {
            return run.all();
        }
    }

    /** The reward model as trained and as PPO scores with it, with the figures the report gives. */
    private record RewardStage(RewardTrainer.Result result, RewardScorer scorer, double heldOutAccuracy) {}

    /**
     * The ranked prompts and what the calibrated labelers made of them, with the held-out judge: a labeler who ranked
     * nothing in training, as noisy as those who did (the paper's held-out labelers).
     */
    private record Ranked(
            List<RewardTrainer.RankedExample> rankings,
            List<Task> tasks,
            double noise,
            double agreement,
            int validationCount,
            SimulatedLabeler heldOut) {

        List<RewardTrainer.RankedExample> validation() {
            return rankings.subList(0, validationCount);
        }

        List<Task> validationTasks() {
            return tasks.subList(0, validationCount);
        }

        List<RewardTrainer.RankedExample> training() {
            return rankings.subList(validationCount, rankings.size());
        }

        /** Every round's rankings so far, the validation ones first; calibration and judge from the first round. */
        Ranked followedBy(Ranked next) {
            return new Ranked(
                    concat(validation(), next.validation(), training(), next.training()),
                    concat(
                            validationTasks(),
                            next.validationTasks(),
                            tasks.subList(validationCount, tasks.size()),
                            next.tasks()
                                    .subList(
                                            next.validationCount(), next.tasks().size())),
                    noise,
                    agreement,
                    validationCount + next.validationCount(),
                    heldOut);
        }

        @SafeVarargs
        private static <T> List<T> concat(List<T>... parts) {
            List<T> all = new ArrayList<>();
            for (List<T> part : parts) {
                all.addAll(part);
            }
            return all;
        }
    }

    /** One experiment's state, its stages in the order they run; each stage records its time and figures. */
    private final class Run implements AutoCloseable {
        private final Path baseModel;
        private final Path out;
        private final NDManager manager;
        private final GptTokenizer tokenizer;
        private final JsonlMetrics metrics;
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private final Map<String, Object> details = new LinkedHashMap<>();
        private final PromptSets promptSets;
        private final List<Task> evaluationTasks;
        private final List<Task> sftTasks;
        private final List<Task> rankingTasks;
        private final List<Task> ppoTasks;
        /** The prompts ranked in rounds 2, 3, ... (drawn after the others, so round 1 is the same with one round). */
        private final List<List<Task>> laterRankingTasks = new ArrayList<>();

        /** Sizes the prompt sets first: a set larger than the families allow fails before anything loads. */
        Run(Path baseModel, Path out, NDManager manager) throws IOException {
            this.baseModel = baseModel;
            this.out = out;
            this.manager = manager;
            // Prompt sets: the final evaluation's are held out from the three training sets (what labelers
            // demonstrate, rank, and PPO trains on), which repeat each other's prompts only where a family has run
            // out of new ones.
            this.promptSets = new PromptSets(TaskFamily.defaults(), s.seed());
            this.evaluationTasks = promptSets.heldOut(s.evaluationPrompts());
            this.sftTasks = promptSets.training(s.sftPrompts());
            this.rankingTasks = promptSets.training(s.rankingPrompts());
            this.ppoTasks = promptSets.training(s.ppoPrompts());
            for (int round = 2; round <= s.labelingRounds(); round++) {
                laterRankingTasks.add(promptSets.training(s.rankingPrompts()));
            }
            this.metrics = new JsonlMetrics(out.resolve("metrics.jsonl"));
            this.tokenizer = GptTokenizer.load(baseModel);
        }

        @Override
        public void close() {
            tokenizer.close();
        }

        Summary all() throws IOException {
            long started = System.nanoTime();
            List<SftTrainer.Example> demonstrations = demonstrations();
            Path sftModel = sft(demonstrations);
            CausalLm sftPolicy = HfCheckpoint.load(sftModel, manager, false, 0f);
            CausalLm basePolicy = HfCheckpoint.load(baseModel, manager, false, 0f);
            Ranked ranked = rankings(sftPolicy, basePolicy, rankingTasks, 1, null);
            RewardStage rm = rewardModel(sftModel, ranked, demonstrations, 1);
            Path ppoModel = ppo(sftModel, rm, s.ppo(), roundName(PPO, 1));
            for (int round = 2; round <= s.labelingRounds(); round++) {
                CausalLm previous = HfCheckpoint.load(ppoModel, manager, false, 0f);
                ranked = ranked.followedBy(
                        rankings(previous, sftPolicy, laterRankingTasks.get(round - 2), round, ranked));
                rm = rewardModel(sftModel, ranked, demonstrations, round);
                ppoModel = ppo(sftModel, rm, s.ppo(), roundName(PPO, round));
            }
            Map<String, Path> others = new LinkedHashMap<>();
            if (s.dpoRankings() > 0) {
                others.put(DPO, dpo(sftModel, ranked));
            }
            if (s.ptxAblation() && s.ppo().ptxCoef() > 0) {
                PpoTrainer.Settings withoutPtx = SettingsOverrides.apply(s.ppo(), Map.of("ptxCoef", "0"));
                others.put(PPO_NO_PTX, ppo(sftModel, rm, withoutPtx, PPO_NO_PTX));
            }
            Summary summary = evaluate(basePolicy, sftPolicy, ppoModel, others, ranked, rm, started);
            log.printf(
                    Locale.ROOT,
                    "experiment: PPO wins %.1f %% [%.1f, %.1f] of %d comparisons against SFT; reward model validation "
                            + "accuracy %.1f %%; KL %.2f nats; %.0f %% distinct PPO answers; %.0f s%n",
                    100 * summary.winRate(),
                    100 * summary.ppoVsSft().interval()[0],
                    100 * summary.ppoVsSft().interval()[1],
                    summary.comparisons(),
                    100 * summary.rewardValidationAccuracy(),
                    summary.meanKl(),
                    100 * summary.ppoDistinctShare(),
                    seconds.get("total"));
            ExperimentReport.write(out, s, summary, metrics);
            return summary;
        }

        /** 1a. One demonstration per SFT prompt, the writers taking turns. */
        private List<SftTrainer.Example> demonstrations() {
            List<SimulatedLabeler> writers = labelers(0, s.demonstrationSlipRate(), 1);
            List<SftTrainer.Example> demonstrations = new ArrayList<>();
            for (int i = 0; i < sftTasks.size(); i++) {
                Task task = sftTasks.get(i);
                demonstrations.add(new SftTrainer.Example(
                        task.prompt(), writers.get(i % writers.size()).demonstrate(task)));
            }
            return demonstrations;
        }

        /** 1b. SFT on the demonstrations, a tenth held out; the best checkpoint by validation loss. */
        private Path sft(List<SftTrainer.Example> demonstrations) throws IOException {
            long t = System.nanoTime();
            int validation = Math.max(1, demonstrations.size() / 10);
            SftTrainer.Result sft = new SftTrainer(s.sft(), metrics, log)
                    .train(
                            baseModel,
                            demonstrations.subList(validation, demonstrations.size()),
                            demonstrations.subList(0, validation),
                            null,
                            out.resolve("sft"),
                            manager,
                            RunControl.NEVER);
            seconds.put("sft", elapsed(t));
            details.put("sft_best_step", sft.bestStep());
            details.put("sft_best_validation_loss", sft.bestValidationLoss());
            return sft.best();
        }

        /**
         * 2. K samples per prompt, half from {@code newest} and half from {@code other}, ranked by simulated labelers
         * calibrated to the target agreement in round 1; later rounds ({@code first} given) keep round 1's labelers.
         */
        private Ranked rankings(CausalLm newest, CausalLm other, List<Task> rankingTasks, int round, Ranked first)
                throws IOException {
            long t = System.nanoTime();
            long roundSeed = s.seed() + 100L * (round - 1);
            Random kRng = new Random(roundSeed + 2);
            List<Task> repeated = new ArrayList<>();
            List<Integer> ks = new ArrayList<>();
            for (Task task : rankingTasks) {
                int k = s.minK() + kRng.nextInt(s.maxK() - s.minK() + 1);
                ks.add(k);
                for (int j = 0; j < k; j++) {
                    repeated.add(task);
                }
            }
            List<String> flat = rankingSamples(newest, other, repeated, round, roundSeed);
            List<List<String>> answers = new ArrayList<>();
            int at = 0;
            for (int k : ks) {
                answers.add(new ArrayList<>(flat.subList(at, at + k)));
                at += k;
            }
            double noise = first != null
                    ? first.noise()
                    : SimulatedLabeler.calibrate(s.targetAgreement(), rankingTasks, answers, s.seed() + 4);
            double agreement = SimulatedLabeler.agreement(noise, rankingTasks, answers, roundSeed + 5);
            log.printf(
                    Locale.ROOT,
                    "labelers (round %d): noise %.3f gives %.1f %% agreement on the pairs they order%n",
                    round,
                    noise,
                    100 * agreement);
            List<SimulatedLabeler> rankers = labelers(noise, 0, round);
            List<RewardTrainer.RankedExample> rankings = new ArrayList<>();
            for (int i = 0; i < rankingTasks.size(); i++) {
                Task task = rankingTasks.get(i);
                rankings.add(new RewardTrainer.RankedExample(
                        task.prompt(),
                        answers.get(i),
                        rankers.get(i % rankers.size()).rank(task, answers.get(i))));
            }
            seconds.merge("ranking_samples", elapsed(t), Double::sum);
            return new Ranked(
                    rankings,
                    rankingTasks,
                    noise,
                    agreement,
                    Math.max(1, rankings.size() * 15 / 100),
                    first != null ? first.heldOut() : new SimulatedLabeler("held-out", noise, s.seed() + 1_000));
        }

        /**
         * The answers to rank, flattened. InstructGPT ranks outputs of several models; in round 1 half of each
         * prompt's K come from the base model, which still rambles and errs as its corpus did, so rankings hold more
         * pairs of different quality; later, half from the previous round's PPO policy, so the reward model sees what
         * PPO learnt to write. Kept in the run folder: a resumed experiment does not sample again.
         */
        private List<String> rankingSamples(CausalLm newest, CausalLm other, List<Task> repeated, int round, long seed)
                throws IOException {
            Path samplesFile =
                    out.resolve(round == 1 ? "ranking-samples.json" : "ranking-samples-round-" + round + ".json");
            List<String> rankedPrompts = repeated.stream().map(Task::prompt).toList();
            RankingSamples saved = savedRankingSamples(samplesFile);
            if (saved != null && saved.prompts().equals(rankedPrompts)) {
                return saved.answers();
            }
            if (Files.isRegularFile(samplesFile)) {
                log.println("ranking samples: " + samplesFile + " holds other prompts; sampling again");
            }
            List<String> fromNewest =
                    sample(newest, tokenizer, repeated, seed + 3, manager).answers();
            List<String> fromOther =
                    sample(other, tokenizer, repeated, seed + 33, manager).answers();
            List<String> flat = new ArrayList<>();
            for (int i = 0; i < repeated.size(); i++) {
                flat.add(i % 2 == 0 ? fromNewest.get(i) : fromOther.get(i));
            }
            JSON.writeValue(samplesFile.toFile(), new RankingSamples(rankedPrompts, flat));
            return flat;
        }

        /** 3. The reward model, initialised from SFT; demonstrations score 0 on average afterwards. */
        private RewardStage rewardModel(
                Path sftModel, Ranked ranked, List<SftTrainer.Example> demonstrations, int round) throws IOException {
            long t = System.nanoTime();
            RewardTrainer.Result rm = new RewardTrainer(s.reward(), metrics, log)
                    .train(
                            sftModel,
                            ranked.training(),
                            ranked.validation(),
                            demonstrations.subList(0, Math.min(256, demonstrations.size())),
                            out.resolve(roundName("reward", round)),
                            manager,
                            RunControl.NEVER);
            RewardScorer scorer = new RewardScorer(HfCheckpoint.load(rm.model(), manager, true, 0f), 64);
            List<Task> validationTasks = ranked.validationTasks();
            double heldOutAccuracy = rewardAccuracy(
                            scorer, tokenizer, ranked.heldOut(), validationTasks, ranked.validation(), manager)
                    .getOrDefault("all", Double.NaN);
            details.put(
                    "reward_accuracy_against_noiseless_judge",
                    rewardAccuracy(
                            scorer,
                            tokenizer,
                            new SimulatedLabeler("truth", 0, 0),
                            validationTasks,
                            ranked.validation(),
                            manager));
            seconds.merge("reward", elapsed(t), Double::sum);
            details.put("reward_validation_log_loss", rm.validation().logLoss());
            details.put("reward_validation_pairs", rm.validation().pairs());
            details.put("reward_demonstration_mean_before_shift", rm.demonstrationMean());
            return new RewardStage(rm, scorer, heldOutAccuracy);
        }

        /**
         * 4. PPO against the reward model, KL to the SFT policy, value function from the reward model; {@code name}
         * names its folder, its metrics' stage and its time (the ablation without ptx runs beside the real one).
         */
        private Path ppo(Path sftModel, RewardStage rm, PpoTrainer.Settings settings, String name) throws IOException {
            long t = System.nanoTime();
            List<String> ptx =
                    settings.ptxCoef() > 0 ? ptxTranscripts(promptSets, PTX_TRANSCRIPTS, s.seed() + 6) : List.of();
            RewardFunction reward = oracleReward ? oracle(ppoTasks, tokenizer) : rm.scorer();
            details.put("ppo_reward", oracleReward ? "noiseless judge (diagnostic)" : "reward model");
            PpoTrainer.Result ppo = new PpoTrainer(settings, renamed(metrics, PPO, name), log)
                    .train(
                            sftModel,
                            rm.result().model(),
                            reward,
                            PpoTrainer.singleTurn(
                                    ppoTasks.stream().map(Task::prompt).toList()),
                            ptx,
                            out.resolve(name),
                            manager,
                            RunControl.NEVER);
            seconds.put(name, elapsed(t));
            return ppo.policy();
        }

        /** 5. DPO on the same rankings, from SFT: no reward model, no sampling (Rafailov et al. 2023). */
        private Path dpo(Path sftModel, Ranked ranked) throws IOException {
            long t = System.nanoTime();
            List<RewardTrainer.RankedExample> train =
                    ranked.training().subList(0, Math.min(ranked.training().size(), s.dpoRankings()));
            List<RewardTrainer.RankedExample> validation = ranked.validation();
            DpoTrainer.Result dpo = new DpoTrainer(s.dpo(), metrics, log)
                    .train(
                            sftModel,
                            train,
                            validation.subList(0, Math.min(DPO_VALIDATION, validation.size())),
                            out.resolve(DPO),
                            manager,
                            RunControl.NEVER);
            details.put("dpo_validation_accuracy", dpo.validation().accuracy());
            details.put("dpo_rankings", train.size());
            seconds.put(DPO, elapsed(t));
            return dpo.policy();
        }

        /**
         * 6. Evaluation on held-out prompts: one sample from each policy per prompt, judged blind by a labeler who
         * labelled nothing in training; behaviour rates, KL, and the same comparison on PPO's own prompts. The other
         * policies (DPO, PPO without ptx) are each compared with SFT, and DPO with PPO.
         */
        private Summary evaluate(
                CausalLm basePolicy,
                CausalLm sftPolicy,
                Path ppoModel,
                Map<String, Path> others,
                Ranked ranked,
                RewardStage rm,
                long started)
                throws IOException {
            long t = System.nanoTime();
            SimulatedLabeler heldOut = ranked.heldOut();
            CausalLm ppoPolicy = HfCheckpoint.load(ppoModel, manager, false, 0f);
            Samples sftSamples = sample(sftPolicy, tokenizer, evaluationTasks, s.seed() + 7, manager);
            Samples ppoSamples = sample(ppoPolicy, tokenizer, evaluationTasks, s.seed() + 8, manager);
            Comparison ppoVsSft =
                    Comparison.of(heldOut, evaluationTasks, ppoSamples.answers(), sftSamples.answers(), s.seed() + 9);
            Map<String, Object> comparisons = new LinkedHashMap<>();
            comparisons.put("ppo_vs_sft", ppoVsSft.figures());
            Map<String, Object> behaviours = new LinkedHashMap<>();
            behaviours.put("sft", BehaviourRates.of(evaluationTasks, sftSamples.answers()));
            behaviours.put("ppo", BehaviourRates.of(evaluationTasks, ppoSamples.answers()));
            Map<String, List<String>> otherAnswers = new LinkedHashMap<>();
            long seed = s.seed() + 13;
            for (Map.Entry<String, Path> other : others.entrySet()) {
                String name = other.getKey().replace('-', '_');
                List<String> answers = sample(
                                HfCheckpoint.load(other.getValue(), manager, false, 0f),
                                tokenizer,
                                evaluationTasks,
                                seed++,
                                manager)
                        .answers();
                otherAnswers.put(name, answers);
                comparisons.put(
                        name + "_vs_sft",
                        Comparison.of(heldOut, evaluationTasks, answers, sftSamples.answers(), seed++)
                                .figures());
                if (other.getKey().equals(DPO)) {
                    comparisons.put(
                            "ppo_vs_dpo",
                            Comparison.of(heldOut, evaluationTasks, ppoSamples.answers(), answers, seed++)
                                    .figures());
                }
                behaviours.put(name, BehaviourRates.of(evaluationTasks, answers));
            }
            details.put("comparisons", comparisons);
            details.put("behaviour", behaviours);
            details.put("examples", examples(sftSamples, ppoSamples, otherAnswers, ppoVsSft));
            double meanKl = heldOutKl(ppoSamples, sftPolicy, manager);
            float[] sftScores = rm.scorer().score(manager, sftSamples.prompts(), sftSamples.responses());
            float[] ppoScores = rm.scorer().score(manager, ppoSamples.prompts(), ppoSamples.responses());
            details.put("reward_model_score_sft_samples", RlMath.mean(sftScores));
            details.put("reward_model_score_ppo_samples", RlMath.mean(ppoScores));
            details.put(
                    "sampled_task_scores",
                    Map.of(
                            "sft", byFamily(evaluationTasks, sftSamples.answers()),
                            "ppo", byFamily(evaluationTasks, ppoSamples.answers())));
            details.put("mean_response_tokens", Map.of("sft", meanLength(sftSamples), "ppo", meanLength(ppoSamples)));
            details.put("ppo_training_prompts", onTrainingPrompts(heldOut, sftPolicy, ppoPolicy));
            // This world's ceiling: every answer the task's ideal one, against the same SFT samples, by the same judge.
            // No policy can win more, so PPO's win rate reads against it. Judged last so that it draws nothing from
            // the judge's noise before the other comparisons do.
            comparisons.put(
                    IDEAL_VS_SFT,
                    Comparison.of(
                                    heldOut,
                                    evaluationTasks,
                                    evaluationTasks.stream()
                                            .map(Task::reference)
                                            .toList(),
                                    sftSamples.answers(),
                                    s.seed() + 31)
                            .figures());
            Map<String, Object> greedy = new LinkedHashMap<>();
            greedy.put(
                    "base", TaskEvaluation.run(basePolicy, tokenizer, evaluationTasks, manager, 64, s.maxNewTokens()));
            greedy.put("sft", TaskEvaluation.run(sftPolicy, tokenizer, evaluationTasks, manager, 64, s.maxNewTokens()));
            greedy.put("ppo", TaskEvaluation.run(ppoPolicy, tokenizer, evaluationTasks, manager, 64, s.maxNewTokens()));
            details.put("greedy_accuracy", greedyTable(greedy));
            seconds.put("evaluation", elapsed(t));
            seconds.put("total", elapsed(started));
            details.put("seconds", seconds);
            details.put(
                    "prompts",
                    Map.of(
                            "sft", sftTasks.size(),
                            "ranking", rankingTasks.size() * s.labelingRounds(),
                            "ppo", ppoTasks.size(),
                            "evaluation", evaluationTasks.size()));
            return new Summary(
                    ranked.agreement(),
                    ranked.noise(),
                    rm.result().validation().accuracy(),
                    rm.heldOutAccuracy(),
                    ppoVsSft,
                    meanKl,
                    distinctShare(ppoSamples.answers()),
                    distinctShare(sftSamples.answers()),
                    details);
        }

        /** The first dozen held-out prompts with every policy's answer and the judge's verdict, for the report. */
        private List<Map<String, Object>> examples(
                Samples sftSamples, Samples ppoSamples, Map<String, List<String>> others, Comparison ppoVsSft) {
            List<Map<String, Object>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(12, evaluationTasks.size()); i++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("prompt", evaluationTasks.get(i).prompt());
                e.put("reference", evaluationTasks.get(i).reference());
                e.put("sft", sftSamples.answers().get(i));
                e.put("ppo", ppoSamples.answers().get(i));
                for (Map.Entry<String, List<String>> other : others.entrySet()) {
                    e.put(other.getKey(), other.getValue().get(i));
                }
                int v = ppoVsSft.verdicts()[i];
                e.put("judged_ppo_vs_sft", v > 0 ? "ppo" : v < 0 ? "sft" : "tie");
                examples.add(e);
            }
            return examples;
        }

        /**
         * The same comparison on prompts PPO trained on: what PPO learned for its own prompts and did not carry over
         * to new ones is the gap between these figures and the held-out ones.
         */
        private Map<String, Object> onTrainingPrompts(
                SimulatedLabeler heldOut, CausalLm sftPolicy, CausalLm ppoPolicy) {
            Map<String, Task> byPrompt = new LinkedHashMap<>();
            ppoTasks.forEach(task -> byPrompt.putIfAbsent(task.prompt(), task));
            List<Task> trained =
                    byPrompt.values().stream().limit(evaluationTasks.size()).toList();
            List<String> sftOnTrained = sample(sftPolicy, tokenizer, trained, s.seed() + 10, manager)
                    .answers();
            List<String> ppoOnTrained = sample(ppoPolicy, tokenizer, trained, s.seed() + 11, manager)
                    .answers();
            return Map.of(
                    "win_rate",
                    Comparison.of(heldOut, trained, ppoOnTrained, sftOnTrained, s.seed() + 12)
                            .winRate(),
                    "sampled_task_scores",
                    Map.of("sft", byFamily(trained, sftOnTrained), "ppo", byFamily(trained, ppoOnTrained)));
        }
    }

    /** The policies' names: their folders, metric stages and report columns. */
    static final String PPO = "ppo";

    static final String DPO = "dpo";
    static final String PPO_NO_PTX = "ppo-no-ptx";

    /** The comparison of the tasks' ideal answers with SFT's: how much any policy could win. */
    static final String IDEAL_VS_SFT = "ideal_vs_sft";

    /** A sink that files one trainer's stage under another name, so two runs of one trainer keep apart curves. */
    private static MetricSink renamed(MetricSink sink, String stage, String name) {
        if (stage.equals(name)) {
            return sink;
        }
        return new MetricSink() {
            @Override
            public void record(String recorded, int step, Map<String, Double> values) {
                sink.record(recorded.equals(stage) ? name : recorded, step, values);
            }

            @Override
            public void resumedAt(String resumed, int step) {
                sink.resumedAt(resumed.equals(stage) ? name : resumed, step);
            }
        };
    }

    /** Held-out rankings DPO validates on (the reward model's first ones): enough for its accuracy, cheap. */
    static final int DPO_VALIDATION = 256;

    /** Pretraining transcripts PPO-ptx mixes in per run. */
    static final int PTX_TRANSCRIPTS = 4_000;

    /**
     * PPO-ptx's pretraining data: transcripts of the task families with their ideal answers, none of them on a
     * held-out prompt, so the evaluation never meets a prompt the policy was trained on. (Whether the base model's own
     * corpus, wrong answers included, is the more faithful mix is open: see the README.)
     */
    static List<String> ptxTranscripts(PromptSets promptSets, int count, long seed) {
        InstructionCorpus corpus =
                new InstructionCorpus(TaskFamily.defaults(), InstructionCorpus.Imperfections.none(), seed);
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            InstructionCorpus.Example e = corpus.next();
            if (!promptSets.isHeldOut(e.task().prompt())) {
                out.add(e.transcript());
            }
        }
        return out;
    }

    /** The noiseless simulated judge as a reward: what PPO would reach with a perfect reward model. */
    private static RewardFunction oracle(List<Task> tasks, GptTokenizer tokenizer) {
        Map<String, Task> byPrompt = new HashMap<>();
        for (Task t : tasks) {
            byPrompt.put(Arrays.toString(tokenizer.encode(ChatTemplate.prompt(t.prompt()))), t);
        }
        return (manager, prompts, responses) -> {
            float[] out = new float[prompts.size()];
            for (int i = 0; i < out.length; i++) {
                Task task = byPrompt.get(Arrays.toString(prompts.get(i)));
                String answer = ChatTemplate.answerOf(tokenizer.decode(responses.get(i)));
                out[i] = (float) SimulatedLabeler.quality(task, answer);
            }
            return out;
        };
    }

    /** The K answers to rank per prompt, flattened, with the prompt of each: a resumed run reuses them. */
    record RankingSamples(List<String> prompts, List<String> answers) {}

    /** The saved ranking samples, or null when there are none or the file is of an older layout. */
    private static RankingSamples savedRankingSamples(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), RankingSamples.class);
        } catch (JacksonException e) {
            return null; // sampled again and overwritten
        }
    }

    /** Token ids and decoded answers of one sample per task. */
    record Samples(List<long[]> prompts, List<long[]> responses, List<float[]> logProbs, List<String> answers) {}

    /** One temperature-1 sample per task, in batches. */
    private Samples sample(CausalLm policy, GptTokenizer tokenizer, List<Task> tasks, long seed, NDManager manager) {
        Generator generator = new Generator(policy);
        Random rng = new Random(seed);
        List<long[]> prompts = new ArrayList<>();
        List<long[]> responses = new ArrayList<>();
        List<float[]> logProbs = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        int maxPrompt = s.ppo().maxPromptTokens();
        for (int from = 0; from < tasks.size(); from += 64) {
            List<long[]> batch = new ArrayList<>();
            for (Task task : tasks.subList(from, Math.min(tasks.size(), from + 64))) {
                batch.add(
                        Sequences.fit(tokenizer.encode(ChatTemplate.prompt(task.prompt())), new long[0], maxPrompt, 0)[
                                0]);
            }
            Generation g = generator.generate(manager, batch, SamplingSettings.sampling(s.maxNewTokens()), rng);
            for (int i = 0; i < batch.size(); i++) {
                prompts.add(batch.get(i));
                responses.add(g.response(i));
                logProbs.add(Arrays.copyOf(g.logProbs()[i], g.responseLengths()[i]));
                answers.add(ChatTemplate.answerOf(tokenizer.decode(g.response(i))));
            }
        }
        return new Samples(prompts, responses, logProbs, answers);
    }

    /** Mean over held-out samples of sum_t log pi_PPO(y_t) - log pi_SFT(y_t): the KL the penalty keeps in check. */
    private static double heldOutKl(Samples ppo, CausalLm sft, NDManager manager) {
        double total = 0;
        for (int i = 0; i < ppo.prompts().size(); i++) {
            long[] p = ppo.prompts().get(i);
            long[] r = ppo.responses().get(i);
            if (r.length == 0) {
                continue;
            }
            Sequences.Batch b =
                    Sequences.of(List.of(p), List.of(r), sft.config().eosTokenId());
            try (NDManager m = manager.newSubManager()) {
                NDArray[] a = Sequences.arrays(m, b);
                float[] sftLogProbs = Sequences.nextTokenLogProbs(sft, new ParameterStore(m, false), a[0], a[1], false)
                        .get(":, " + (p.length - 1) + ":")
                        .toFloatArray();
                float[] ppoLogProbs = ppo.logProbs().get(i);
                for (int t = 0; t < r.length; t++) {
                    total += ppoLogProbs[t] - sftLogProbs[t];
                }
            }
        }
        return total / ppo.prompts().size();
    }

    /**
     * How often the reward model orders a pair of validation answers as {@code judge} does, per task family and
     * overall ("all"): with a held-out labeler this is the paper's held-out accuracy; with a noiseless judge it says
     * which kinds of task the reward model understands.
     */
    private static Map<String, Double> rewardAccuracy(
            RewardScorer scorer,
            GptTokenizer tokenizer,
            SimulatedLabeler judge,
            List<Task> tasks,
            List<RewardTrainer.RankedExample> rankings,
            NDManager manager) {
        Map<String, double[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            RewardTrainer.RankedExample e = rankings.get(i);
            List<PreferencePair> strict = ComparisonPairs.of(judge.rank(tasks.get(i), e.outputs()));
            if (strict.isEmpty()) {
                continue;
            }
            long[] prompt = tokenizer.encode(ChatTemplate.prompt(e.prompt()));
            List<long[]> prompts = new ArrayList<>();
            List<long[]> responses = new ArrayList<>();
            for (String o : e.outputs()) {
                prompts.add(prompt);
                responses.add(tokenizer.encode(ChatTemplate.response(o)));
            }
            float[] scores = scorer.score(manager, prompts, responses);
            for (PreferencePair p : strict) {
                float margin = scores[(int) p.chosen()] - scores[(int) p.rejected()];
                double right = margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
                for (String key : List.of(tasks.get(i).family(), "all")) {
                    double[] c = counts.computeIfAbsent(key, k -> new double[2]);
                    c[0] += right;
                    c[1]++;
                }
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        counts.forEach((family, c) -> accuracy.put(family, c[0] / c[1]));
        return accuracy;
    }

    /** The training labelers; each round draws their judgements from a stream of its own. */
    private List<SimulatedLabeler> labelers(double noise, double slipRate, int round) {
        List<SimulatedLabeler> out = new ArrayList<>();
        for (int i = 0; i < s.trainingLabelers(); i++) {
            long seed = s.seed() + 100 + i + 10_000L * (round - 1);
            out.add(new SimulatedLabeler("labeler-" + (i + 1), noise, slipRate, seed));
        }
        return out;
    }

    /** A stage's name in a round: the last round's is the plain name the report reads, earlier ones say the round. */
    private String roundName(String stage, int round) {
        return round == s.labelingRounds() ? stage : stage + "-round-" + round;
    }

    private static Map<String, Map<String, Double>> byFamily(List<Task> tasks, List<String> answers) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            double score = tasks.get(i).score(answers.get(i));
            double[] acc = sums.computeIfAbsent(tasks.get(i).family(), f -> new double[3]);
            acc[0] += score;
            acc[1] += score == 1.0 ? 1 : 0;
            acc[2]++;
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        double[] all = new double[3];
        sums.forEach((family, acc) -> {
            out.put(family, Map.of("mean_score", acc[0] / acc[2], "accuracy", acc[1] / acc[2]));
            for (int j = 0; j < 3; j++) {
                all[j] += acc[j];
            }
        });
        out.put("all", Map.of("mean_score", all[0] / all[2], "accuracy", all[1] / all[2]));
        return out;
    }

    private static Map<String, Map<String, Double>> greedyTable(Map<String, Object> reports) {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        reports.forEach((model, r) -> {
            TaskEvaluation.Report report = (TaskEvaluation.Report) r;
            Map<String, Double> row = new LinkedHashMap<>();
            report.byFamily().forEach((f, summary) -> row.put(f, summary.accuracy()));
            row.put("all", report.overall().accuracy());
            table.put(model, row);
        });
        return table;
    }

    private static double meanLength(Samples samples) {
        return samples.responses().stream().mapToInt(r -> r.length).average().orElse(0);
    }

    /** Share of distinct answers among all answers: mode collapse drives it toward 1 / count. */
    static double distinctShare(List<String> answers) {
        return answers.isEmpty() ? 0 : new HashSet<>(answers).size() / (double) answers.size();
    }

    private static double elapsed(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
