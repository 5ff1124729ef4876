package org.instructforge.training.runs;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.shared.RunType;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.rlhf.RewardScorer;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runs that write labeling work. CANDIDATES: the published policy writes K outputs for each sampled prompt of a
 * ranking round (the next round). EVALUATION: two checkpoints each answer the held-out prompts of an evaluation
 * round, as blind pairwise comparisons. Each prompt's task is written in its own fenced transaction
 * ({@link RunFence}) and sampled with its own seed, so a run resumed after a crash skips what is written and writes the rest exactly as it would have. In
 * an AI-feedback round the judge (a reward model) labels every task itself, as the {@code ai-labeler} account with
 * {@code feedback_source = 'AI'}; the round opens for labelers when the run ends.
 */
@Component
class RoundJobs {

    /** What the round asks for (label_round columns). */
    record Round(
            long id,
            long datasetId,
            String kind,
            String split,
            int promptCount,
            int outputsPerPrompt,
            int labelsWanted,
            boolean aiFeedback,
            Long judgeId,
            Long policyId,
            Long baselineId) {}

    /** How candidates are sampled, recorded with each one. */
    record Sampling(long seed, float temperature, float topP, int topK, int maxNewTokens) {

        SamplingSettings settings() {
            return new SamplingSettings(maxNewTokens, temperature, topK, topP, true);
        }

        /** One seed per prompt: the same prompt gets the same outputs on any attempt. */
        long seedFor(long promptId) {
            return seed * 1_000_003L + promptId;
        }

        String json(long promptId, int sample) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("temperature", temperature);
            m.put("topP", topP);
            m.put("topK", topK);
            m.put("maxNewTokens", maxNewTokens);
            m.put("seed", seedFor(promptId));
            m.put("sample", sample);
            return JSON.writeValueAsString(m);
        }
    }

    /** A prompt of the round and the conversation it holds ({@link LabelData#question}). */
    private record PromptRow(long id, List<ChatMessage> question) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_PROMPT_TOKENS = 96;

    private final JdbcClient jdbc;
    private final RunFence fence;
    private final CheckpointRegistry registry;

    RoundJobs(JdbcClient jdbc, RunFence fence, CheckpointRegistry registry) {
        this.jdbc = jdbc;
        this.fence = fence;
        this.registry = registry;
    }

    /** Writes the round's tasks; answers false when stopped before the end (the round stays GENERATING). */
    boolean run(ClaimedRun run, RunReporter reporter, RunControl control, NDManager manager) throws IOException {
        if (run.labelRoundId() == null) {
            throw new RunFailure("A " + run.type() + " run needs the label round it fills");
        }
        Round round = round(run.labelRoundId());
        Sampling sampling = sampling(run.hyperparameters());
        List<PromptRow> prompts = prompts(round, sampling.seed());
        if (prompts.isEmpty()) {
            throw new RunFailure("Dataset " + round.datasetId() + " has no usable " + round.split() + " prompts");
        }
        reporter.stage(0, prompts.size());
        boolean done = switch (run.type()) {
            case CANDIDATES -> candidates(run, round, sampling, prompts, reporter, control, manager);
            case EVALUATION -> evaluation(run, round, sampling, prompts, reporter, control, manager);
            default -> throw new IllegalArgumentException(run.type() + " writes no labeling tasks");
        };
        if (done) {
            fence.write(
                    run,
                    () -> jdbc.sql("UPDATE label_round SET status = 'OPEN' WHERE id = :id AND status = 'GENERATING'")
                            .param("id", round.id())
                            .update());
            reporter.info("Round " + round.id() + " is open for labelers");
        }
        return done;
    }

    private boolean candidates(
            ClaimedRun run,
            Round round,
            Sampling sampling,
            List<PromptRow> prompts,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        if (round.outputsPerPrompt() < 4 || round.outputsPerPrompt() > 9) {
            throw new RunFailure("A ranking round wants K = 4..9 outputs per prompt, not " + round.outputsPerPrompt());
        }
        CheckpointRegistry.Entry policy = policy(round, round.policyId());
        CausalLm model = HfCheckpoint.load(policy.dir(), manager, false, 0f);
        RewardScorer judge = judge(round, manager);
        long aiLabeler = round.aiFeedback() ? aiLabeler() : -1;
        reporter.info("Writing " + round.outputsPerPrompt() + " candidates for each of " + prompts.size()
                + " prompts with " + policy.name() + " (" + sampling + ")"
                + (judge == null ? "" : "; ranked by the AI judge " + round.judgeId()));
        ChatFormat format = ChatFormat.of(policy.dir());
        try (GptTokenizer tokenizer = GptTokenizer.load(policy.dir())) {
            Generator generator = new Generator(model);
            for (int i = 0; i < prompts.size(); i++) {
                if (control.shouldStop(i)) {
                    return false;
                }
                PromptRow prompt = prompts.get(i);
                if (taskExists("ranking_task", round.id(), prompt.id())) {
                    reporter.step(i + 1);
                    continue; // written by an earlier attempt
                }
                long[] encoded = encode(tokenizer, format, prompt.question());
                List<long[]> batch = Collections.nCopies(round.outputsPerPrompt(), encoded);
                List<long[]> responses;
                List<String> outputs = new ArrayList<>();
                try (NDManager m = manager.newSubManager()) {
                    Generation g = generator.generate(
                            m, batch, sampling.settings(), new Random(sampling.seedFor(prompt.id())));
                    responses = new ArrayList<>();
                    for (int k = 0; k < batch.size(); k++) {
                        responses.add(g.response(k));
                        outputs.add(storable(format.answerOf(tokenizer.decode(g.response(k)))));
                    }
                    float[] scores = judge == null ? null : judge.score(m, batch, responses);
                    fence.write(run, () -> {
                        if (!taskExists("ranking_task", round.id(), prompt.id())) { // a repeated write is a no-op
                            writeRankingTask(round, policy.id(), prompt, outputs, sampling, scores, aiLabeler);
                        }
                    });
                }
                reporter.step(i + 1);
            }
        }
        return true;
    }

    private void writeRankingTask(
            Round round,
            long policyId,
            PromptRow prompt,
            List<String> outputs,
            Sampling sampling,
            float[] aiScores,
            long aiLabeler) {
        long task = jdbc.sql("""
                        INSERT INTO ranking_task (prompt_id, round_id, labels_wanted, status)
                        VALUES (:prompt, :round, :wanted, 'OPEN') RETURNING id
                        """)
                .param("prompt", prompt.id())
                .param("round", round.id())
                .param("wanted", round.aiFeedback() ? 1 : round.labelsWanted())
                .query(Long.class)
                .single();
        List<Long> candidates = new ArrayList<>();
        for (int k = 0; k < outputs.size(); k++) {
            candidates.add(jdbc.sql("""
                            INSERT INTO ranking_candidate (task_id, position, text, model_checkpoint_id, sampling)
                            VALUES (:task, :position, :text, :model, CAST(:sampling AS jsonb)) RETURNING id
                            """)
                    .param("task", task)
                    .param("position", k)
                    .param("text", outputs.get(k))
                    .param("model", policyId)
                    .param("sampling", sampling.json(prompt.id(), k))
                    .query(Long.class)
                    .single());
        }
        if (aiScores == null) {
            return;
        }
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, feedback_source, display_order)
                        VALUES (:task, :labeler, 'AI', CAST(:order AS jsonb)) RETURNING id
                        """)
                .param("task", task)
                .param("labeler", aiLabeler)
                .param("order", JSON.writeValueAsString(candidates))
                .query(Long.class)
                .single();
        for (int k = 0; k < candidates.size(); k++) {
            jdbc.sql("INSERT INTO ranking_entry (ranking_id, candidate_id, rank) VALUES (:ranking, :candidate, :rank)")
                    .param("ranking", ranking)
                    .param("candidate", candidates.get(k))
                    .param("rank", competitionRank(aiScores, k))
                    .update();
        }
        countSubmittedLabel("RANKING", task);
    }

    private boolean evaluation(
            ClaimedRun run,
            Round round,
            Sampling sampling,
            List<PromptRow> prompts,
            RunReporter reporter,
            RunControl control,
            NDManager manager)
            throws IOException {
        if (round.baselineId() == null || round.baselineId().equals(round.policyId())) {
            throw new RunFailure("An evaluation round compares two different checkpoints");
        }
        CheckpointRegistry.Entry a = policy(round, round.policyId());
        CheckpointRegistry.Entry b = policy(round, round.baselineId());
        CausalLm modelA = HfCheckpoint.load(a.dir(), manager, false, 0f);
        CausalLm modelB = HfCheckpoint.load(b.dir(), manager, false, 0f);
        RewardScorer judge = judge(round, manager);
        long aiLabeler = round.aiFeedback() ? aiLabeler() : -1;
        reporter.info("Answering " + prompts.size() + " held-out prompts with " + a.name() + " (A) and " + b.name()
                + " (B) for blind comparison (" + sampling + ")");
        ChatFormat format = ChatFormat.of(a.dir());
        try (GptTokenizer tokenizer = GptTokenizer.load(a.dir())) {
            Generator generatorA = new Generator(modelA);
            Generator generatorB = new Generator(modelB);
            for (int i = 0; i < prompts.size(); i++) {
                if (control.shouldStop(i)) {
                    return false;
                }
                PromptRow prompt = prompts.get(i);
                if (taskExists("comparison_task", round.id(), prompt.id())) {
                    reporter.step(i + 1);
                    continue;
                }
                List<long[]> batch = List.of(encode(tokenizer, format, prompt.question()));
                try (NDManager m = manager.newSubManager()) {
                    Random rng = new Random(sampling.seedFor(prompt.id()));
                    long[] answerA = generatorA
                            .generate(m, batch, sampling.settings(), rng)
                            .response(0);
                    long[] answerB = generatorB
                            .generate(m, batch, sampling.settings(), rng)
                            .response(0);
                    float[] scores = judge == null
                            ? null
                            : judge.score(m, List.of(batch.get(0), batch.get(0)), List.of(answerA, answerB));
                    String textA = storable(format.answerOf(tokenizer.decode(answerA)));
                    String textB = storable(format.answerOf(tokenizer.decode(answerB)));
                    boolean aShownFirst = rng.nextBoolean();
                    fence.write(run, () -> {
                        if (!taskExists("comparison_task", round.id(), prompt.id())) { // a repeated write is a no-op
                            writeComparisonTask(round, prompt, textA, textB, sampling, scores, aiLabeler, aShownFirst);
                        }
                    });
                }
                reporter.step(i + 1);
            }
        }
        return true;
    }

    private void writeComparisonTask(
            Round round,
            PromptRow prompt,
            String outputA,
            String outputB,
            Sampling sampling,
            float[] aiScores,
            long aiLabeler,
            boolean aShownFirst) {
        long task = jdbc.sql("""
                        INSERT INTO comparison_task (prompt_id, round_id, model_a_id, model_b_id, output_a, output_b,
                                                     labels_wanted, sampling)
                        VALUES (:prompt, :round, :a, :b, :outputA, :outputB, :wanted, CAST(:sampling AS jsonb))
                        RETURNING id
                        """)
                .param("prompt", prompt.id())
                .param("round", round.id())
                .param("a", round.policyId())
                .param("b", round.baselineId())
                .param("outputA", outputA)
                .param("outputB", outputB)
                .param("wanted", round.aiFeedback() ? 1 : round.labelsWanted())
                .param("sampling", sampling.json(prompt.id(), 0))
                .query(Long.class)
                .single();
        if (aiScores == null) {
            return;
        }
        String preferred = Math.abs(aiScores[0] - aiScores[1]) < 1e-6 ? "TIE" : aiScores[0] > aiScores[1] ? "A" : "B";
        jdbc.sql("""
                        INSERT INTO comparison_judgement (task_id, labeler_id, feedback_source, a_shown_first, preferred)
                        VALUES (:task, :labeler, 'AI', :first, :preferred)
                        """)
                .param("task", task)
                .param("labeler", aiLabeler)
                .param("first", aShownFirst)
                .param("preferred", preferred)
                .update();
        countSubmittedLabel("COMPARISON", task);
    }

    /**
     * The AI judge's label counts like a labeler's (V061's count_submitted_label, also called by labeling-web's
     * TaskQueue): an AI-feedback task wants one label, so it is COMPLETE and no labeler is handed it.
     */
    private void countSubmittedLabel(String kind, long task) {
        jdbc.sql("SELECT count_submitted_label(:kind, :task)")
                .param("kind", kind)
                .param("task", task)
                .query(Integer.class)
                .single();
    }

    /** 1 + the number of outputs the judge scored strictly higher: equal scores share a rank (a tie). */
    static int competitionRank(float[] scores, int k) {
        int rank = 1;
        for (float s : scores) {
            if (s > scores[k]) {
                rank++;
            }
        }
        return rank;
    }

    private Round round(long id) {
        return jdbc.sql("""
                        SELECT id, dataset_id, kind, COALESCE(split, 'TRAIN'), COALESCE(prompt_count, 100),
                               COALESCE(outputs_per_prompt, 4), labels_wanted, feedback_source = 'AI',
                               judge_checkpoint_id, policy_checkpoint_id, baseline_checkpoint_id
                        FROM label_round WHERE id = :id
                        """)
                .param("id", id)
                .query((rs, row) -> new Round(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getInt(7),
                        rs.getBoolean(8),
                        (Long) rs.getObject(9),
                        (Long) rs.getObject(10),
                        (Long) rs.getObject(11)))
                .optional()
                .orElseThrow(() -> new RunFailure("Label round " + id + " does not exist"));
    }

    /**
     * The round's prompts: a seeded sample of the split's usable prompts, the same on every attempt. Prompts with a
     * task in the round already are kept in the list (and skipped when writing), so a resumed run ends where the
     * first would have.
     */
    private List<PromptRow> prompts(Round round, long seed) {
        return jdbc.sql("""
                        SELECT id, text, messages::text FROM prompt p
                        WHERE dataset_id = :dataset AND split = :split AND prompt_usable(p)
                        ORDER BY md5(id::text || ':' || :seed), id LIMIT :count
                        """)
                .param("dataset", round.datasetId())
                .param("split", round.split())
                .param("seed", Long.toString(seed))
                .param("count", round.promptCount())
                .query((rs, row) -> new PromptRow(rs.getLong(1), LabelData.question(rs.getString(2), rs.getString(3))))
                .list();
    }

    private boolean taskExists(String table, long round, long prompt) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE round_id = :round AND prompt_id = :prompt")
                        .param("round", round)
                        .param("prompt", prompt)
                        .query(Long.class)
                        .single()
                > 0;
    }

    private CheckpointRegistry.Entry policy(Round round, Long id) {
        return registry.usableFor(RunType.CANDIDATES, id, "Round " + round.id() + " names no policy checkpoint");
    }

    private RewardScorer judge(Round round, NDManager manager) throws IOException {
        if (!round.aiFeedback()) {
            return null;
        }
        CheckpointRegistry.Entry judge =
                registry.usableRewardModel(round.judgeId(), "An AI-feedback round needs a judge (a reward model)");
        return new RewardScorer(HfCheckpoint.load(judge.dir(), manager, true, 0f), 16);
    }

    private long aiLabeler() {
        return jdbc.sql("SELECT id FROM app_user WHERE username = 'ai-labeler'")
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new RunFailure("The ai-labeler account is missing (migration V023)"));
    }

    /**
     * A model's answer as PostgreSQL can store it: a NUL character (a sampled byte 0x00, which byte-level and
     * byte-fallback tokenizers can both decode to) becomes U+FFFD, since a text column refuses it and the whole run
     * would fail on one unlucky sample.
     */
    static String storable(String answer) {
        return answer.replace('\u0000', '\uFFFD');
    }

    /** A prompt's conversation in the model's chat format, its end kept when it is too long. */
    private static long[] encode(GptTokenizer tokenizer, ChatFormat format, List<ChatMessage> question) {
        return Sequences.fit(tokenizer.encode(format.prompt(question)), new long[0], MAX_PROMPT_TOKENS, 0)[0];
    }

    private static Sampling sampling(JsonNode stored) {
        var s = TrainingJobs.settings(new Sampling(1, 1f, 1f, 0, 64), stored);
        if (s.temperature() < 0 || s.topP() <= 0 || s.topP() > 1 || s.topK() < 0 || s.maxNewTokens() < 1) {
            throw new RunFailure("Invalid sampling settings: " + s);
        }
        return s;
    }
}
