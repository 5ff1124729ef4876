package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.ModelArchitectures;
import org.instructforge.training.simulation.SimulatedLabeler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The whole loop as the product runs it, once on the shipped GPT-2 base and once on a tiny Llama-family checkpoint
 * with its own tokenizer and chat template: labeling-web runs as its own process (its packaged jar, demo accounts)
 * on this service's database, and everything goes through its public API, as a browser or script would; this test
 * plays the training-service worker (one claim at a time). Import prompts -> simulated labelers write
 * demonstrations -> SFT run -> publish -> candidates become ranking tasks -> simulated rankings -> reward-model run
 * -> PPO run -> publish (ranked by the AI judge) -> evaluation tasks -> judgements -> a win rate on the dashboard.
 */
class ClosedLoopTest extends LabelingWebProcessTest {

    static final String LABELER = "labeler";

    /** The BASE checkpoint the loop starts from. */
    enum StartModel {
        /** The shipped GPT-2 base ({@code models/base}, User:/Assistant: format), registered by the worker's start. */
        SHIPPED_GPT2_BASE("2e-4"),
        /**
         * A random 2-layer Llama (grouped-query attention, tied embeddings) with a SentencePiece-style BPE
         * tokenizer.json and a ChatML chat template ({@code model/llama-family/tiny-chat}), registered as
         * {@code forge import} registers a Hugging Face folder: nothing in the loop may assume GPT-2. Random weights
         * need a larger SFT step than the pretrained base to learn the template's turn ends in the loop's few steps.
         */
        TINY_LLAMA_CHAT("3e-3");

        final String sftLearningRate;

        StartModel(String sftLearningRate) {
            this.sftLearningRate = sftLearningRate;
        }
    }

    final Map<String, Task> tasks = new LinkedHashMap<>();
    final SimulatedLabeler labeler = new SimulatedLabeler("web-labeler", 0.1, 11);

    @Autowired
    RunsProperties runs;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(StartModel.class)
    void labelsBecomeRunsRunsBecomeCheckpointsAndCheckpointsBecomeTheNextRoundAndAWinRate(StartModel start)
            throws Exception {
        // 1. An admin imports prompts of the default model's task families (one author each: splits by author).
        tasks.clear();
        long dataset = web.dataset("closed-loop-" + start, "CI closed loop from " + start, 0.7, 0.1, 0.2);
        Random rng = new Random(3);
        List<TaskFamily> families = TaskFamily.defaults();
        while (tasks.size() < 70) {
            Task t = families.get(tasks.size() % families.size()).sample(rng);
            tasks.putIfAbsent(t.prompt(), t);
        }
        StringBuilder jsonl = new StringBuilder();
        int author = 0;
        for (String prompt : tasks.keySet()) {
            jsonl.append(LabelingWebProcess.json(
                            Map.of("prompt", prompt, "user_id", "author-" + author++, "source", "customer")))
                    .append('\n');
        }
        JsonNode imported = ok(web.postRaw(
                ADMIN,
                "/api/admin/datasets/" + dataset + "/imports?wait=true&format=JSONL&fileName=loop.jsonl",
                "application/x-ndjson",
                jsonl.toString()));
        assertThat(imported.path("promptsAdded").asInt()).isEqualTo(70);

        // 2. A labeler writes demonstrations through the labeler API.
        int demonstrations = 0;
        for (JsonNode task = next("DEMONSTRATION"); task != null; task = next("DEMONSTRATION")) {
            Task known = tasks.get(task.path("prompt").path("text").asString());
            long lease = task.path("leaseId").asLong();
            if (known == null) {
                ok(web.post(LABELER, "/api/labeler/tasks/" + lease + "/skip", Map.of("reason", "not this test's")));
                continue;
            }
            ok(web.post(LABELER, "/api/labeler/demonstrations/" + lease, Map.of("text", labeler.demonstrate(known))));
            demonstrations++;
        }
        assertThat(demonstrations).isGreaterThan(30);

        // 3. The engineer requests an SFT run from the base model; the worker runs it.
        long base = baseCheckpoint(start);
        long sftRun = requestRun(
                "SFT",
                dataset,
                base,
                null,
                Map.of(
                        "epochs",
                        "2",
                        "batchSize",
                        "8",
                        "learningRate",
                        start.sftLearningRate,
                        "evalEvery",
                        "4",
                        "checkpointEvery",
                        "4"));
        long sft = runToTheEnd(sftRun);

        // 4. Publishing the SFT policy writes the next ranking round: K = 4 candidates per TRAIN prompt.
        long rankingRound = publish(sft, dataset, 16, null);
        int rankings = 0;
        for (JsonNode task = next("RANKING"); task != null; task = next("RANKING")) {
            Task known = tasks.get(task.path("prompt").path("text").asString());
            List<Long> ids = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            task.path("candidates").forEach(c -> {
                ids.add(c.path("id").asLong());
                answers.add(c.path("text").asString());
            });
            assertThat(ids).hasSize(4);
            RankedCandidates ranked = labeler.rank(known, answers);
            Map<String, Integer> ranks = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                ranks.put(Long.toString(ids.get(i)), ranked.rankOf((long) i));
            }
            ok(web.post(LABELER, "/api/labeler/rankings/" + task.path("leaseId").asLong(), Map.of("ranks", ranks)));
            rankings++;
        }
        assertThat(rankings).isEqualTo(16);
        assertThat(count("SELECT count(*) FROM ranking_task WHERE round_id = " + rankingRound
                        + " AND status = 'COMPLETE'"))
                .isEqualTo(16);

        // 5. Reward model on those rankings (from SFT), then PPO against it with the KL penalty to SFT.
        long rm = runToTheEnd(requestRun(
                "REWARD",
                dataset,
                sft,
                null,
                Map.of(
                        "epochs",
                        "2",
                        "batchSize",
                        "4",
                        "learningRate",
                        "1e-4",
                        "evalEvery",
                        "2",
                        "checkpointEvery",
                        "2")));
        long ppo = runToTheEnd(requestRun(
                "PPO",
                dataset,
                sft,
                rm,
                Map.of(
                        "iterations",
                        "3",
                        "rolloutBatch",
                        "16",
                        "miniBatch",
                        "8",
                        "maxNewTokens",
                        "12",
                        "warmupIterations",
                        "1",
                        "checkpointEvery",
                        "2")));
        assertThat(jdbc.sql("SELECT parent_id = :sft AND reference_policy_id = :sft AND reward_model_id = :rm"
                                + " FROM model_checkpoint WHERE id = :ppo")
                        .param("sft", sft)
                        .param("rm", rm)
                        .param("ppo", ppo)
                        .query(Boolean.class)
                        .single())
                .as("PPO lineage: SFT policy, its KL reference and the reward model")
                .isTrue();
        // Every published model is the start model's architecture, with its tokenizer and chat template.
        Path startDir = folder(base);
        for (long trained : List.of(sft, rm, ppo)) {
            Path dir = folder(trained);
            assertThat(ModelArchitectures.modelType(dir)).isEqualTo(ModelArchitectures.modelType(startDir));
            for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
                assertThat(dir.resolve(file)).as(file).hasSameBinaryContentAs(startDir.resolve(file));
            }
        }

        // 6. Publishing PPO writes the next round; this one is ranked by the reward model as AI feedback.
        long aiRound = publish(ppo, dataset, 4, rm);
        assertThat(count("SELECT count(*) FROM ranking r JOIN ranking_task t ON t.id = r.task_id WHERE t.round_id = "
                        + aiRound + " AND r.feedback_source = 'AI'"))
                .isEqualTo(4);
        assertThat(web.get(ENGINEER, "/api/exports/preferences.jsonl").body()).contains("\"feedback_source\":\"AI\"");
        assertThat(next("RANKING"))
                .as("AI-ranked tasks are not offered to people")
                .isNull();

        // 7. Blind comparison of PPO against SFT on held-out (TEST) prompts, judged by the labeler.
        long evaluation = evaluate(ppo, sft, dataset);
        int judged = 0;
        for (JsonNode task = next("COMPARISON"); task != null; task = next("COMPARISON")) {
            Task known = tasks.get(task.path("prompt").path("text").asString());
            int preference = labeler.prefer(
                    known,
                    task.path("comparison").path("left").path("text").asString(),
                    task.path("comparison").path("right").path("text").asString());
            String choice = preference > 0 ? "LEFT" : preference < 0 ? "RIGHT" : "TIE";
            ok(web.post(
                    LABELER, "/api/labeler/comparisons/" + task.path("leaseId").asLong(), Map.of("preferred", choice)));
            judged++;
        }
        assertThat(judged).isPositive();

        // 8. The dashboard (its JSON; EvaluationBrowserTest checks the page) shows PPO's win rate against SFT.
        JsonNode result = ok(web.get(ENGINEER, "/api/engineer/evaluations/" + evaluation));
        JsonNode human = result.path("human");
        assertThat(human.path("winRate").isNumber()).as(result.toString()).isTrue();
        assertThat(human.path("winRate").asDouble()).isBetween(0.0, 1.0);
        assertThat(human.path("interval").path("low").asDouble())
                .isLessThanOrEqualTo(human.path("winRate").asDouble());
        assertThat(human.path("interval").path("high").asDouble())
                .isGreaterThanOrEqualTo(human.path("winRate").asDouble());
    }

    private long baseCheckpoint(StartModel start) throws Exception {
        if (start == StartModel.SHIPPED_GPT2_BASE) {
            return jdbc.sql(
                            "SELECT id FROM model_checkpoint WHERE name = 'base' AND kind = 'BASE' AND status = 'READY'")
                    .query(Long.class)
                    .single();
        }
        // Random weights in the fixture's config (seeded), saved in the Hugging Face layout beside its tokenizer
        // files, then imported the way `forge import DIR` imports a downloaded model.
        Path fixture = Path.of(ClosedLoopTest.class
                .getResource("/org/instructforge/training/model/llama-family/tiny-chat")
                .toURI());
        Path folder = tmp.resolve("tiny-llama-chat");
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = ModelArchitectures.readConfig(fixture).newModel(false);
            Engine.getInstance().setRandomSeed(17);
            model.initialize(manager);
            HfCheckpoint.save(model, folder, fixture);
        }
        ModelImport.Imported imported = new ModelImport(jdbc, runs.checkpointDir())
                .register(folder, "tiny-llama-chat-" + System.nanoTime(), Map.of("source", "ClosedLoopTest"), false);
        assertThat(imported.architecture()).isEqualTo("llama");
        return imported.id();
    }

    private Path folder(long checkpoint) {
        return Path.of(jdbc.sql("SELECT storage_path FROM model_checkpoint WHERE id = :id")
                .param("id", checkpoint)
                .query(String.class)
                .single());
    }

    private JsonNode next(String kind) throws Exception {
        var answer = web.post(LABELER, "/api/labeler/tasks/next?kind=" + kind, "");
        if (answer.status() == 204) {
            return null;
        }
        return ok(answer);
    }

    private long requestRun(String type, long dataset, long start, Long reward, Map<String, String> hyperparameters)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("datasetIds", List.of(dataset));
        body.put("startCheckpointId", start);
        if (reward != null) {
            body.put("rewardCheckpointId", reward);
        }
        body.put("hyperparameters", hyperparameters);
        return ok(web.post(ENGINEER, "/api/engineer/runs", body)).path("id").asLong();
    }

    /** The worker claims the run (the only queued one) and runs it; answers its output checkpoint. */
    private long runToTheEnd(long run) throws Exception {
        assertThat(worker.runOnce()).contains(run);
        JsonNode shown = ok(web.get(ENGINEER, "/api/engineer/runs/" + run));
        assertThat(shown.path("status").asString())
                .as(
                        "run %d: %s",
                        run,
                        jdbc.sql("SELECT string_agg(message, ' | ') FROM training_run_log WHERE run_id = " + run)
                                .query(String.class)
                                .single())
                .isEqualTo("SUCCEEDED");
        return jdbc.sql("SELECT output_checkpoint_id FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Long.class)
                .single();
    }

    /** Publishes a policy with a next ranking round of {@code prompts} TRAIN prompts; runs the CANDIDATES run. */
    private long publish(long checkpoint, long dataset, int prompts, Long aiJudge) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nextRound", true);
        body.put("datasetId", dataset);
        body.put("split", "TRAIN");
        body.put("promptCount", prompts);
        body.put("outputsPerPrompt", 4);
        body.put("labelsWanted", 1);
        body.put("feedbackSource", aiJudge == null ? "HUMAN" : "AI");
        if (aiJudge != null) {
            body.put("judgeCheckpointId", aiJudge);
        }
        body.put("sampling", Map.of("temperature", "1", "maxNewTokens", "12", "seed", "5"));
        ok(web.post(ENGINEER, "/api/engineer/checkpoints/" + checkpoint + "/publish", body));
        long run = jdbc.sql("SELECT max(id) FROM training_run WHERE run_type = 'CANDIDATES'")
                .query(Long.class)
                .single();
        runToTheEndWithoutCheckpoint(run);
        return jdbc.sql("SELECT label_round_id FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Long.class)
                .single();
    }

    private long evaluate(long candidate, long baseline, long dataset) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidateId", candidate);
        body.put("baselineId", baseline);
        body.put("datasetId", dataset);
        body.put("split", "TEST");
        body.put(
                "promptCount",
                Math.min(
                        10,
                        count(
                                "SELECT count(*) FROM prompt WHERE dataset_id = " + dataset
                                        + " AND split = 'TEST' AND status = 'ACTIVE' AND pii_status IN ('CLEAN', 'SCRUBBED')")));
        body.put("labelsWanted", 1);
        body.put("feedbackSource", "HUMAN");
        body.put("sampling", Map.of("temperature", "1", "maxNewTokens", "12", "seed", "9"));
        ok(web.post(ENGINEER, "/api/engineer/evaluations", body));
        long run = jdbc.sql("SELECT max(id) FROM training_run WHERE run_type = 'EVALUATION'")
                .query(Long.class)
                .single();
        runToTheEndWithoutCheckpoint(run);
        return jdbc.sql("SELECT label_round_id FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Long.class)
                .single();
    }

    private void runToTheEndWithoutCheckpoint(long run) throws Exception {
        assertThat(worker.runOnce()).contains(run);
        assertThat(ok(web.get(ENGINEER, "/api/engineer/runs/" + run))
                        .path("status")
                        .asString())
                .isEqualTo("SUCCEEDED");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private JsonNode ok(LabelingWebProcess.Answer answer) {
        return web.ok(answer);
    }
}
