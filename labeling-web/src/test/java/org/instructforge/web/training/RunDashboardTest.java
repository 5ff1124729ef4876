package org.instructforge.web.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.instructforge.shared.RunType;
import org.instructforge.shared.memory.ModelShape;
import org.instructforge.shared.memory.RunMemory;
import org.instructforge.shared.run.Hyperparameter;
import org.instructforge.shared.run.Hyperparameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Requesting, validating, cancelling and watching training runs through the dashboard's pages and API. */
@SpringBootTest
@AutoConfigureMockMvc
class RunDashboardTest {

    /** The demo ML engineer: requested_by and the audit log name this account. */
    private static final RequestPostProcessor ENGINEER = user("engineer").roles("ML_ENGINEER");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    RunRequests requests;

    RunFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new RunFixtures(jdbc);
    }

    @Test
    void anSftRunIsQueuedWithEveryHyperparameterAndItsDataSelection() throws Exception {
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        JsonNode run = json.readTree(mvc.perform(post("/api/engineer/runs")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("""
                                {"type": "SFT", "datasetIds": [%d], "startCheckpointId": %d,
                                 "hyperparameters": {"epochs": 2, "learningRate": "0.001"}}""".formatted(dataset, base)))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/engineer/runs/")))
                .andReturn()
                .getResponse()
                .getContentAsString());
        long id = run.path("id").asLong();
        assertThat(run.path("status").asString()).isEqualTo("QUEUED");
        assertThat(run.path("name").asString()).isEqualTo("sft-" + id);

        Map<String, Object> row = jdbc.sql("""
                        SELECT status, name, base_checkpoint_id, reward_checkpoint_id, hyperparameters::text AS hp,
                               data_selection::text AS data, requested_by
                        FROM training_run WHERE id = :id""").param("id", id).query().singleRow();
        assertThat(row.get("status")).isEqualTo("QUEUED");
        assertThat(row.get("base_checkpoint_id")).isEqualTo(base);
        assertThat(row.get("reward_checkpoint_id")).isNull();
        assertThat(row.get("requested_by")).isEqualTo(fixtures.user("engineer"));
        JsonNode values = json.readTree((String) row.get("hp"));
        assertThat(values.path("epochs").asLong()).isEqualTo(2);
        assertThat(values.path("learningRate").asDouble()).isEqualTo(0.001);
        // Every parameter is stored, defaults filled in, so the run says exactly what it trained with.
        assertThat(values.propertyNames())
                .containsExactlyInAnyOrderElementsOf(Hyperparameters.of(RunType.SFT).stream()
                        .map(Hyperparameter::name)
                        .toList());
        assertThat(values.path("batchSize").asLong()).isEqualTo(32);
        // The run's JSON lists them in the form's order (jsonb keeps none).
        JsonNode shown =
                json.readTree(mvc.perform(get("/api/engineer/runs/" + id).with(ENGINEER))
                        .andExpect(status().isOk())
                        .andReturn()
                        .getResponse()
                        .getContentAsString());
        assertThat(shown.path("hyperparameters").propertyNames())
                .containsExactlyElementsOf(Hyperparameters.of(RunType.SFT).stream()
                        .map(Hyperparameter::name)
                        .toList());
        assertThat(shown.path("startCheckpoint").path("id").asLong()).isEqualTo(base);
        assertThat(shown.path("requestedBy").asString()).isEqualTo("engineer");
        JsonNode data = json.readTree((String) row.get("data"));
        assertThat(data.path("datasetIds").get(0).asLong()).isEqualTo(dataset);
        assertThat(data.path("roundIds").isEmpty()).isTrue();
        assertThat(data.path("includeAiFeedback").asBoolean()).isFalse();
    }

    /** GPT-2 small's shape (124.4M parameters): the default SFT settings need far more than 1 GiB. */
    static final ModelShape GPT2_SMALL =
            ModelShape.of("gpt2", 768, 12, 12, 12, 64, 3072, 50257, 1024, true, true, true, true);

    @Test
    void theFormShowsEachStartsArchitectureAndSizeAndTheMemoryTheChosenSettingsNeed() throws Exception {
        fixtures.removeWorkers();
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        fixtures.shape(base, GPT2_SMALL);
        long unknown = fixtures.checkpoint("BASE");
        long foreign = fixtures.checkpoint("BASE");
        jdbc.sql("UPDATE model_checkpoint SET architecture = 'bert' WHERE id = :id")
                .param("id", foreign)
                .update();

        String form = mvc.perform(get("/engineer/runs/new").param("type", "SFT").with(ENGINEER))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(form)
                .contains("value=\"" + base + "\">" + name(base) + " (BASE · gpt2 · 124.4M parameters)")
                .contains(name(unknown) + " (BASE · architecture unknown · size unknown)")
                .doesNotContain(name(foreign)) // not an architecture this product runs
                .contains("id=\"memory-unknown\"")
                .contains("No training worker has registered its device yet");

        // "Estimate memory": the form again with the estimate for these settings, and nothing queued.
        long runsBefore = count("SELECT count(*) FROM training_run");
        String preview = mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("preview", "true")
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(base))
                        .param("hyperparameters[batchSize]", "4")
                        .param("hyperparameters[maxResponseTokens]", "32"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        RunMemory expected = RunMemory.estimate(
                RunType.SFT,
                Hyperparameters.validate(RunType.SFT, Map.of("batchSize", "4", "maxResponseTokens", "32"))
                        .values(),
                GPT2_SMALL,
                null);
        assertThat(preview)
                .contains("id=\"memory-weights\">" + RunMemory.formatBytes(4 * GPT2_SMALL.parameters()) + "<")
                .contains("id=\"memory-optimizer\">" + RunMemory.formatBytes(8 * GPT2_SMALL.parameters()) + "<")
                .contains(RunMemory.formatBytes(expected.activationBytes()) + " (4 sequences of 160 tokens)")
                .contains("<strong>" + RunMemory.formatBytes(expected.totalBytes()) + "</strong>")
                .doesNotContain("id=\"memory-error\"");
        assertThat(count("SELECT count(*) FROM training_run")).isEqualTo(runsBefore);
    }

    @Test
    void aLocalRunLargerThanEveryWorkersDeviceIsRefusedWithTheNumbers() throws Exception {
        fixtures.removeWorkers();
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        fixtures.shape(base, GPT2_SMALL);
        long gib = 1L << 30;
        long total = RunMemory.estimate(RunType.SFT, Hyperparameters.defaults(RunType.SFT), GPT2_SMALL, null)
                .totalBytes();
        try {
            fixtures.worker("small-gpu", "GPU", gib);
            fixtures.worker("small-cpu", "CPU", gib / 2);
            String body = """
                    {"type": "SFT", "datasetIds": [%d], "startCheckpointId": %d, "executor": "%s"}""";

            mvc.perform(post("/api/engineer/runs")
                            .with(ENGINEER)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body.formatted(dataset, base, "local")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors.memory")
                            .value(org.hamcrest.Matchers.allOf(
                                    org.hamcrest.Matchers.containsString(total + " bytes in all"),
                                    org.hamcrest.Matchers.containsString("GPU gpu(0) with 1.0 GiB (worker small-gpu)"),
                                    org.hamcrest.Matchers.containsString("holds " + gib + " bytes"),
                                    org.hamcrest.Matchers.containsString("AdamW moments"))));
            // The form says so beside the estimate.
            String page = mvc.perform(post("/engineer/runs/new")
                            .with(ENGINEER)
                            .with(csrf())
                            .param("type", "SFT")
                            .param("datasetIds", String.valueOf(dataset))
                            .param("startCheckpointId", String.valueOf(base)))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            assertThat(page).contains("id=\"memory-error\"").contains(total + " bytes in all");

            // A Ray run trains on the cluster, not on a worker's device.
            long onRay = mvcRun(body.formatted(dataset, base, "ray"));
            assertThat(executorOf(onRay)).isEqualTo("ray");

            // A worker that could hold it but crashed (its row outlived its stale limit of 60 s) does not count.
            fixtures.worker("large-gpu", "GPU", 1024 * gib);
            fixtures.lastSeen("large-gpu", 61);
            mvc.perform(post("/api/engineer/runs")
                            .with(ENGINEER)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body.formatted(dataset, base, "local")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors.memory")
                            .value(org.hamcrest.Matchers.containsString("(worker small-gpu)")));

            // Seen within its limit (a busy worker's run heartbeat refreshes it, every 5 s), it counts: the same
            // run is queued, with its estimate for the workers.
            fixtures.lastSeen("large-gpu", 50);
            long run = mvcRun(body.formatted(dataset, base, "local"));
            assertThat(jdbc.sql("SELECT memory_estimate_bytes FROM training_run WHERE id = :id")
                            .param("id", run)
                            .query(Long.class)
                            .single())
                    .isEqualTo(total);
        } finally {
            fixtures.removeWorkers();
        }
    }

    @Test
    void withoutARegisteredWorkerOrAKnownShapeARunIsQueuedUnchecked() throws Exception {
        fixtures.removeWorkers();
        long dataset = fixtures.sftReadyDataset();
        long shaped = fixtures.checkpoint("BASE");
        fixtures.shape(shaped, GPT2_SMALL);
        long unknown = fixtures.checkpoint("BASE");
        String body = """
                {"type": "SFT", "datasetIds": [%d], "startCheckpointId": %d}""";
        long first = mvcRun(body.formatted(dataset, shaped));
        try {
            fixtures.worker("tiny-cpu", "CPU", 1024);
            long second = mvcRun(body.formatted(dataset, unknown)); // no shape, no estimate: never refused on a guess
            assertThat(jdbc.sql("SELECT memory_estimate_bytes FROM training_run WHERE id IN (:a, :b) ORDER BY id")
                            .param("a", first)
                            .param("b", second)
                            .query((rs, n) -> rs.getObject(1))
                            .list())
                    .containsExactly(
                            RunMemory.estimate(RunType.SFT, Hyperparameters.defaults(RunType.SFT), GPT2_SMALL, null)
                                    .totalBytes(),
                            null);
        } finally {
            fixtures.removeWorkers();
        }
    }

    @Test
    void aRewardModelsEstimateTakesEveryOutputOfTheChosenRankings() throws Exception {
        fixtures.removeWorkers();
        long dataset = fixtures.dataset();
        fixtures.ranking(fixtures.prompt(dataset, "TRAIN"), null, "HUMAN"); // four outputs each
        fixtures.ranking(fixtures.prompt(dataset, "VALID"), null, "HUMAN");
        long sft = fixtures.checkpoint("SFT");
        fixtures.shape(sft, GPT2_SMALL);

        long run = mvcRun("""
                {"type": "REWARD", "datasetIds": [%d], "startCheckpointId": %d,
                 "hyperparameters": {"batchSize": 2}}""".formatted(dataset, sft));

        RunMemory fourOutputs = RunMemory.estimate(
                RunType.REWARD,
                Hyperparameters.validate(RunType.REWARD, Map.of("batchSize", "2"))
                        .values(),
                GPT2_SMALL,
                null,
                4);
        assertThat(fourOutputs.sequences()).isEqualTo(8);
        assertThat(jdbc.sql("SELECT memory_estimate_bytes FROM training_run WHERE id = :id")
                        .param("id", run)
                        .query(Long.class)
                        .single())
                .isEqualTo(fourOutputs.totalBytes());
    }

    private String name(long checkpoint) {
        return jdbc.sql("SELECT name FROM model_checkpoint WHERE id = :id")
                .param("id", checkpoint)
                .query(String.class)
                .single();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    @Test
    void aRewardRunReadsTheChosenRoundsAndMayIncludeAiFeedback() throws Exception {
        long dataset = fixtures.dataset();
        long prompt = fixtures.prompt(dataset, "TRAIN");
        long round = fixtures.rankingRound(dataset);
        fixtures.ranking(prompt, round, "AI");
        long sft = fixtures.checkpoint("SFT");
        String request = """
                {"type": "REWARD", "datasetIds": [%d], "roundIds": [%d], "includeAiFeedback": %s,
                 "startCheckpointId": %d}""";

        // The round holds only AI-feedback rankings: without them there is nothing to learn from.
        JsonNode humanOnly = errorsOf(request.formatted(dataset, round, false, sft));
        assertThat(humanOnly.path("datasetIds").asString())
                .contains("no rankings")
                .contains("human");
        // One ranking leaves nothing to validate on (LabelMinimum): the worker would fail the run.
        assertThat(errorsOf(request.formatted(dataset, round, true, sft))
                        .path("datasetIds")
                        .asString())
                .contains("only 1 rankings (1 of TRAIN prompts, 0 of VALID ones)")
                .contains("needs at least 2");
        fixtures.ranking(fixtures.prompt(dataset, "TRAIN"), round, "AI");

        long id = json.readTree(mvc.perform(post("/api/engineer/runs")
                                .with(ENGINEER)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(request.formatted(dataset, round, true, sft)))
                        .andExpect(status().isCreated())
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .path("id")
                .asLong();
        assertThat(jdbc.sql("SELECT data_selection::text FROM training_run WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .contains("\"roundIds\": [" + round + "]")
                .contains("\"includeAiFeedback\": true");
    }

    /**
     * DPO reads the rankings the reward model reads, so the same LabelMinimum refuses it beside the data field; its
     * start is the SFT policy (also its reference), it takes no reward model, and its loss and reference-free
     * choices are stored by name and as a boolean.
     */
    @Test
    void aDpoRunLearnsFromRankingsAndIsRefusedWithoutEnoughOfThem() throws Exception {
        long dataset = fixtures.dataset();
        fixtures.ranking(fixtures.prompt(dataset, "TRAIN"), null, "HUMAN");
        long sft = fixtures.checkpoint("SFT");
        long base = fixtures.checkpoint("BASE");
        long reward = fixtures.checkpoint("REWARD");
        String request = """
                {"type": "DPO", "datasetIds": [%d], "startCheckpointId": %d, "rewardCheckpointId": %s,
                 "hyperparameters": {"beta": "%s", "loss": "%s", "referenceFree": "true"}}""";
        long before = fixtures.runCount();

        JsonNode errors = errorsOf(request.formatted(dataset, base, reward, "0", "hinge"));
        assertThat(errors.path("datasetIds").asString())
                .contains("only 1 rankings (1 of TRAIN prompts, 0 of VALID ones)")
                .contains("a DPO run needs at least 2");
        assertThat(errors.path("startCheckpointId").asString()).contains("a DPO run starts from");
        assertThat(errors.path("rewardCheckpointId").asString()).isEqualTo("only PPO runs take a reward model");
        assertThat(errors.path("hyperparameters.beta").asString()).isEqualTo("must be between 0.001 and 100");
        assertThat(errors.path("hyperparameters.loss").asString()).isEqualTo("must be one of sigmoid, ipo");
        String page = mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "DPO")
                        .param("requestKey", "form-" + RunFixtures.unique("k"))
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(sft))
                        .param("hyperparameters[loss]", "ipo"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("id=\"datasetIds-error\">the chosen datasets have only 1 rankings")
                .contains("<option value=\"ipo\" selected=\"selected\">ipo</option>");
        assertThat(fixtures.runCount()).isEqualTo(before);

        fixtures.ranking(fixtures.prompt(dataset, "TRAIN"), null, "HUMAN");
        long id = json.readTree(mvc.perform(post("/api/engineer/runs")
                                .with(ENGINEER)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(request.formatted(dataset, sft, "null", "0.5", "IPO")))
                        .andExpect(status().isCreated())
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .path("id")
                .asLong();
        JsonNode stored = json.readTree(jdbc.sql("SELECT hyperparameters::text FROM training_run WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single());
        assertThat(stored.path("loss").asString()).isEqualTo("ipo");
        assertThat(stored.path("referenceFree").isBoolean()).isTrue();
        assertThat(stored.path("referenceFree").asBoolean()).isTrue();
        assertThat(stored.path("beta").asDouble()).isEqualTo(0.5);
        assertThat(stored.path("epochs").asLong()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT run_type || ' ' || name FROM training_run WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("DPO dpo-" + id);
    }

    @Test
    void theDpoFormOffersItsLossAndReferenceChoicesAndTheRankingRounds() throws Exception {
        String page = mvc.perform(get("/engineer/runs/new").param("type", "DPO").with(ENGINEER))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("<select name=\"hyperparameters[loss]\"")
                .contains("<option value=\"sigmoid\" selected=\"selected\">sigmoid</option>")
                .contains("<option value=\"ipo\">ipo</option>")
                .contains("<select name=\"hyperparameters[referenceFree]\"")
                .contains("name=\"hyperparameters[beta]\" value=\"0.1\"")
                .contains("id=\"rounds\"")
                .doesNotContain("name=\"rewardCheckpointId\"");
    }

    /**
     * The worker trains on TRAIN demonstrations and validates on VALID ones or a held-out TRAIN one (LabelMinimum);
     * a demonstration of a prompt waiting for PII review is never read, so it does not count either.
     */
    @Test
    void anSftRunWithoutADemonstrationToValidateOnIsRefusedWithTheReasonBesideTheField() throws Exception {
        long dataset = fixtures.dataset();
        fixtures.demonstration(fixtures.prompt(dataset, "TRAIN"));
        long pending = fixtures.prompt(dataset, "TRAIN");
        fixtures.demonstration(pending);
        jdbc.sql("UPDATE prompt SET pii_status = 'PENDING_REVIEW' WHERE id = :p")
                .param("p", pending)
                .update();
        long base = fixtures.checkpoint("BASE");
        long before = fixtures.runCount();

        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", dataset, base))
                        .path("datasetIds")
                        .asString())
                .contains("only 1 submitted demonstrations (1 of TRAIN prompts, 0 of VALID ones)")
                .contains("an SFT run needs at least 2");
        mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("requestKey", "form-" + RunFixtures.unique("k"))
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(base)))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("only 1 submitted demonstrations")));
        assertThat(fixtures.runCount()).isEqualTo(before);

        fixtures.demonstration(fixtures.prompt(dataset, "VALID"));
        mvc.perform(post("/api/engineer/runs")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(sftRequest("\"type\": \"SFT\"", dataset, base)))
                .andExpect(status().isCreated());
    }

    @Test
    void everyWrongFieldIsReportedAndNothingIsQueued() throws Exception {
        long sftData = fixtures.sftReadyDataset();
        long empty = fixtures.dataset();
        long archived = fixtures.sftReadyDataset();
        fixtures.archive(archived);
        long base = fixtures.checkpoint("BASE");
        long sft = fixtures.checkpoint("SFT");
        long reward = fixtures.checkpoint("REWARD");
        long writing = fixtures.checkpoint("SFT", "WRITING");
        long round = fixtures.rankingRound(sftData);
        long before = fixtures.runCount();

        assertThat(errorsOf("{\"datasetIds\": [%d], \"startCheckpointId\": %d}".formatted(sftData, base))
                        .path("type")
                        .asString())
                .contains("choose SFT, REWARD, PPO or DPO");
        assertThat(errorsOf(sftRequest("\"type\": \"PRETRAIN\"", sftData, base))
                        .path("type")
                        .asString())
                .contains("'PRETRAIN' is not a run type");
        assertThat(errorsOf("{\"type\": \"SFT\", \"datasetIds\": [], \"startCheckpointId\": %d}".formatted(base))
                        .path("datasetIds")
                        .asString())
                .isEqualTo("choose at least one dataset");
        assertThat(errorsOf("{\"type\": \"SFT\", \"datasetIds\": [987654321], \"startCheckpointId\": %d}"
                                .formatted(base))
                        .path("datasetIds")
                        .asString())
                .isEqualTo("dataset 987654321 does not exist");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", archived, base))
                        .path("datasetIds")
                        .asString())
                .endsWith("is archived");
        // The data must hold something to learn from, per run type.
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", empty, base))
                        .path("datasetIds")
                        .asString())
                .contains("no submitted demonstrations");
        assertThat(errorsOf("{\"type\": \"REWARD\", \"datasetIds\": [%d], \"startCheckpointId\": %d}"
                                .formatted(empty, sft))
                        .path("datasetIds")
                        .asString())
                .contains("no rankings");
        assertThat(errorsOf(("{\"type\": \"PPO\", \"datasetIds\": [%d], \"startCheckpointId\": %d, "
                                        + "\"rewardCheckpointId\": %d}")
                                .formatted(empty, sft, reward))
                        .path("datasetIds")
                        .asString())
                .contains("no active TRAIN prompts");
        // Checkpoints: the lineage rules of RunInputs, and only READY ones.
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", sftData, reward))
                        .path("startCheckpointId")
                        .asString())
                .contains("not from a REWARD checkpoint");
        assertThat(errorsOf("{\"type\": \"SFT\", \"datasetIds\": [%d]}".formatted(sftData))
                        .path("startCheckpointId")
                        .asString())
                .isEqualTo("choose the checkpoint to start from");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", sftData, writing))
                        .path("startCheckpointId")
                        .asString())
                .endsWith("is not ready");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\"", sftData, 987654321L))
                        .path("startCheckpointId")
                        .asString())
                .isEqualTo("checkpoint 987654321 does not exist");
        assertThat(errorsOf("{\"type\": \"PPO\", \"datasetIds\": [%d], \"startCheckpointId\": %d}"
                                .formatted(sftData, sft))
                        .path("rewardCheckpointId")
                        .asString())
                .contains("needs a reward model");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"rewardCheckpointId\": " + reward, sftData, base))
                        .path("rewardCheckpointId")
                        .asString())
                .contains("only PPO runs take a reward model");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"roundIds\": [" + round + "]", sftData, base))
                        .path("roundIds")
                        .asString())
                .contains("only reward-model and DPO runs read label rounds");
        // Hyperparameters: range, whole numbers, unknown names and the rules between them.
        JsonNode hp = errorsOf(sftRequest(
                "\"type\": \"SFT\", \"hyperparameters\": {\"learningRate\": 5, \"epochs\": 1.5, \"warp\": 9}",
                sftData,
                base));
        assertThat(hp.path("hyperparameters.learningRate").asString()).startsWith("must be between");
        assertThat(hp.path("hyperparameters.epochs").asString()).isEqualTo("must be a whole number");
        assertThat(hp.path("hyperparameters.warp").asString()).contains("unknown hyperparameter");
        assertThat(errorsOf(("{\"type\": \"PPO\", \"datasetIds\": [%d], \"startCheckpointId\": %d, "
                                        + "\"rewardCheckpointId\": %d, \"hyperparameters\": {\"rolloutBatch\": 64, "
                                        + "\"miniBatch\": 24}}")
                                .formatted(sftData, sft, reward))
                        .path("hyperparameters.miniBatch")
                        .asString())
                .contains("must divide the rollout batch");
        // Names: length, characters, and no clash with another run's output.
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"name\": \"" + "n".repeat(201) + "\"", sftData, base))
                        .path("name")
                        .asString())
                .contains("at most 200 characters");
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"name\": \"../escape\"", sftData, base))
                        .path("name")
                        .asString())
                .contains("letters, digits");
        String taken = jdbc.sql("SELECT name FROM model_checkpoint WHERE id = :id")
                .param("id", base)
                .query(String.class)
                .single();
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"name\": \"" + taken + "\"", sftData, base))
                        .path("name")
                        .asString())
                .contains("exists already");

        // Several wrong fields at once are all reported.
        JsonNode several = errorsOf("{\"type\": \"SFT\", \"name\": \"a/b\", \"datasetIds\": []}");
        assertThat(several.propertyNames()).contains("name", "datasetIds", "startCheckpointId");
        // A body that is no run request at all.
        mvc.perform(post("/api/engineer/runs")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"type\": \"SFT\", \"datasetIds\": \"lots\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.body").exists());

        assertThat(fixtures.runCount()).isEqualTo(before);
    }

    @Test
    void theFormShowsEveryHyperparameterWithItsDefaultAndHelp() throws Exception {
        String page = mvc.perform(get("/engineer/runs/new").param("type", "PPO").with(ENGINEER))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        for (Hyperparameter p : Hyperparameters.of(RunType.PPO)) {
            assertThat(page)
                    .contains("name=\"hyperparameters[" + p.name() + "]\" value=\"" + p.formattedDefault() + "\"")
                    .contains(p.help().replace("'", "&#39;"));
        }
        assertThat(page).contains("name=\"rewardCheckpointId\"").contains("name=\"requestKey\"");
    }

    @Test
    void aRunIsLocalUnlessTheEngineerChoosesRayAndAnUnknownExecutorIsRefused() throws Exception {
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        long local = mvcRun(sftRequest("\"type\": \"SFT\"", dataset, base));
        long ray = mvcRun(sftRequest("\"type\": \"SFT\", \"executor\": \"Ray\"", dataset, base));
        assertThat(executorOf(local)).isEqualTo("local");
        assertThat(executorOf(ray)).isEqualTo("ray");
        mvc.perform(get("/api/engineer/runs/" + ray).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.executor").value("ray"));
        mvc.perform(get("/engineer/runs/" + ray).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Trains on: the Ray cluster")));

        long before = fixtures.runCount();
        assertThat(errorsOf(sftRequest("\"type\": \"SFT\", \"executor\": \"spark\"", dataset, base))
                        .path("executor")
                        .asString())
                .isEqualTo("'spark' is not an executor: choose local or ray");
        assertThat(fixtures.runCount()).isEqualTo(before);

        // The form offers both, local chosen; choosing ray queues a Ray run.
        String page = mvc.perform(get("/engineer/runs/new").param("type", "SFT").with(ENGINEER))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .containsPattern("<option value=\"local\" selected=\"selected\">")
                .contains("value=\"ray\"");
        String location = mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("requestKey", RunFixtures.unique("form-token"))
                        .param("executor", "ray")
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(base)))
                .andExpect(status().isFound())
                .andReturn()
                .getResponse()
                .getRedirectedUrl();
        assertThat(executorOf(Long.parseLong(location.substring(location.lastIndexOf('/') + 1))))
                .isEqualTo("ray");
    }

    @Test
    void aWrongFormIsShownAgainWithTheUsersValuesAndTheMessages() throws Exception {
        long dataset = fixtures.dataset(); // no demonstrations
        long base = fixtures.checkpoint("BASE");
        long before = fixtures.runCount();
        String page = mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("requestKey", "form-" + RunFixtures.unique("k"))
                        .param("name", "my first run")
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(base))
                        .param("hyperparameters[epochs]", "1000"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("value=\"my first run\"")
                .contains("name=\"hyperparameters[epochs]\" value=\"1000\"")
                .contains("must be between 1 and 100")
                .contains("no submitted demonstrations")
                .containsPattern("value=\"" + dataset + "\" checked");
        assertThat(fixtures.runCount()).isEqualTo(before);

        // Letters where an id belongs are a field error too, not a crash.
        mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", "abc"))
                .andExpect(status().isOk())
                .andExpect(
                        content().string(org.hamcrest.Matchers.containsString("&#39;abc&#39; is not a valid value")));
    }

    @Test
    void submittingTheSameFormTwiceQueuesOneRun() throws Exception {
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        String key = RunFixtures.unique("form-token");
        long before = fixtures.runCount();
        String first = submitForm(dataset, base, key);
        String second = submitForm(dataset, base, key);
        assertThat(second).isEqualTo(first).matches("/engineer/runs/\\d+");
        assertThat(fixtures.runCount()).isEqualTo(before + 1);
        // A fresh form (a new token) is a new run.
        assertThat(submitForm(dataset, base, RunFixtures.unique("form-token"))).isNotEqualTo(first);
        assertThat(fixtures.runCount()).isEqualTo(before + 2);
    }

    @Test
    void anIdempotencyKeyMakesOneRunEvenForConcurrentRequests() throws Exception {
        long dataset = fixtures.sftReadyDataset();
        long base = fixtures.checkpoint("BASE");
        String body = sftRequest("\"type\": \"SFT\"", dataset, base);
        String key = RunFixtures.unique("api-key");
        long before = fixtures.runCount();
        long first = json.readTree(mvc.perform(post("/api/engineer/runs")
                                .with(ENGINEER)
                                .header("Idempotency-Key", key)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(body))
                        .andExpect(status().isCreated())
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .path("id")
                .asLong();
        mvc.perform(post("/api/engineer/runs")
                        .with(ENGINEER)
                        .header("Idempotency-Key", key)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(first));
        assertThat(fixtures.runCount()).isEqualTo(before + 1);

        // Eight requests with one new key at the same moment: they wait for each other and share one run.
        RunRequest request = new RunRequest("SFT", null, List.of(dataset), null, false, base, null, null, null);
        String racing = RunFixtures.unique("racing-key");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<RunRequests.Requested>> calls =
                    java.util.Collections.nCopies(8, () -> requests.request(request, "engineer", racing));
            List<Long> ids = pool.invokeAll(calls).stream()
                    .map(RunDashboardTest::resultOf)
                    .map(RunRequests.Requested::runId)
                    .distinct()
                    .toList();
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(fixtures.runCount()).isEqualTo(before + 2);
    }

    @Test
    void cancellingAQueuedRunEndsItAtOnce() throws Exception {
        long run = fixtures.queuedRun();
        mvc.perform(post("/engineer/runs/" + run + "/cancel").with(ENGINEER).with(csrf()))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/engineer/runs/" + run))
                .andExpect(flash().attribute("notice", org.hamcrest.Matchers.containsString("cancelled")));
        assertThat(fixtures.status(run)).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("SELECT finished_at IS NOT NULL FROM training_run WHERE id = :id")
                        .param("id", run)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void cancellingARunningRunAsksItsWorkerToStop() throws Exception {
        long run = fixtures.queuedRun();
        fixtures.setStatus(run, "RUNNING");
        mvc.perform(post("/api/engineer/runs/" + run + "/cancel").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("CANCEL_REQUESTED"));
        assertThat(fixtures.status(run)).isEqualTo("CANCEL_REQUESTED");
        // Asking again changes nothing and is no error.
        mvc.perform(post("/api/engineer/runs/" + run + "/cancel").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("CANCEL_REQUESTED"));
    }

    @Test
    void aFinishedRunCannotBeCancelled() throws Exception {
        long run = fixtures.queuedRun();
        fixtures.setStatus(run, "SUCCEEDED");
        mvc.perform(post("/api/engineer/runs/" + run + "/cancel").with(ENGINEER))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.errors.status").value(org.hamcrest.Matchers.containsString("already finished")));
        mvc.perform(post("/engineer/runs/" + run + "/cancel").with(ENGINEER).with(csrf()))
                .andExpect(status().isFound())
                .andExpect(flash().attribute("problem", org.hamcrest.Matchers.containsString("already finished")));
        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        mvc.perform(post("/api/engineer/runs/987654321/cancel").with(ENGINEER))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").exists());
    }

    @Test
    void labelersCannotRequestWatchOrCancelRuns() throws Exception {
        RequestPostProcessor labeler = user("labeler").roles("LABELER");
        long run = fixtures.queuedRun();
        mvc.perform(get("/engineer/runs/new").with(labeler)).andExpect(status().isForbidden());
        mvc.perform(post("/engineer/runs/new").with(labeler).with(csrf()).param("type", "SFT"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/engineer/runs")
                        .with(labeler)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"type\": \"SFT\"}"))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/engineer/runs/" + run + "/live").with(labeler)).andExpect(status().isForbidden());
        mvc.perform(get("/engineer/runs/" + run).with(labeler)).andExpect(status().isForbidden());
        mvc.perform(post("/api/engineer/runs/" + run + "/cancel").with(labeler)).andExpect(status().isForbidden());
        assertThat(fixtures.status(run)).isEqualTo("QUEUED");
    }

    @Test
    void theLiveEndpointAnswersOnlyWhatIsNewSinceItsCursors() throws Exception {
        JsonNode fresh = live(fixtures.queuedRun(), null, null);
        assertThat(fresh.path("status").asString()).isEqualTo("QUEUED");
        assertThat(fresh.path("metrics")).isEmpty();
        assertThat(fresh.path("logs")).isEmpty();
        assertThat(fresh.path("etaSeconds").isNull()).isTrue();

        long run = fixtures.queuedRun();
        fixtures.setStatus(run, "RUNNING");
        fixtures.progress(run, 0.25, 25, 100);
        fixtures.metrics(run, "sft/loss", 1, 3);
        fixtures.log(run, "INFO", "step 1");

        JsonNode first = live(run, null, null);
        assertThat(first.path("status").asString()).isEqualTo("RUNNING");
        assertThat(first.path("finished").asBoolean()).isFalse();
        assertThat(first.path("metrics")).hasSize(3);
        assertThat(first.path("logs")).hasSize(1);
        // 100 s for a quarter: about 300 s to go.
        assertThat(first.path("etaSeconds").asLong()).isBetween(290L, 330L);

        fixtures.metrics(run, "sft/loss", 4, 4);
        fixtures.metrics(run, "sft/val_loss", 4, 4);
        fixtures.log(run, "WARN", "loss spiked");
        JsonNode second = live(
                run,
                first.path("metricCursor").asLong(),
                first.path("logCursor").asLong());
        assertThat(second.path("metrics")
                        .valueStream()
                        .map(p ->
                                p.path("name").asString() + "@" + p.path("step").asInt())
                        .toList())
                .containsExactlyInAnyOrder("sft/loss@4", "sft/val_loss@4");
        assertThat(second.path("logs")).hasSize(1);
        assertThat(second.path("logs").get(0).path("message").asString()).isEqualTo("loss spiked");

        // Nothing new: empty lists, and the cursors stay where they were.
        JsonNode third = live(
                run,
                second.path("metricCursor").asLong(),
                second.path("logCursor").asLong());
        assertThat(third.path("metrics")).isEmpty();
        assertThat(third.path("logs")).isEmpty();
        assertThat(third.path("metricCursor").asLong())
                .isEqualTo(second.path("metricCursor").asLong());

        fixtures.setStatus(run, "FAILED");
        assertThat(live(run, null, null).path("finished").asBoolean()).isTrue();
        // The run's page and its JSON.
        mvc.perform(get("/engineer/runs/" + run).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("/engineer/runs/" + run + "/live")));
        mvc.perform(get("/api/engineer/runs/" + run).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("FAILED"));
        // An unknown run: the API's documented {"error": message}, not Spring's default error body.
        mvc.perform(get("/api/engineer/runs/987654321").with(ENGINEER))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("No run 987654321"))
                .andExpect(jsonPath("$.timestamp").doesNotExist());
    }

    @Test
    void theHomePageLinksEveryRunAndTheCheckpointAndEvaluationPages() throws Exception {
        long run = fixtures.queuedRun();
        mvc.perform(get("/engineer").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(
                        content().string(org.hamcrest.Matchers.containsString("href=\"/engineer/runs/" + run + "\"")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("href=\"/engineer/runs/new\"")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("href=\"/engineer/checkpoints\"")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("href=\"/engineer/evaluations\"")));
    }

    private JsonNode live(long run, Long afterMetric, Long afterLog) throws Exception {
        var request = get("/api/engineer/runs/" + run + "/live").with(ENGINEER);
        if (afterMetric != null) {
            request = request.param("afterMetric", afterMetric.toString());
        }
        if (afterLog != null) {
            request = request.param("afterLog", afterLog.toString());
        }
        return json.readTree(mvc.perform(request)
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString());
    }

    private String submitForm(long dataset, long base, String key) throws Exception {
        return mvc.perform(post("/engineer/runs/new")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("type", "SFT")
                        .param("requestKey", key)
                        .param("datasetIds", String.valueOf(dataset))
                        .param("startCheckpointId", String.valueOf(base))
                        .param("hyperparameters[epochs]", "2"))
                .andExpect(status().isFound())
                .andReturn()
                .getResponse()
                .getRedirectedUrl();
    }

    private long mvcRun(String body) throws Exception {
        return json.readTree(mvc.perform(post("/api/engineer/runs")
                                .with(ENGINEER)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(body))
                        .andExpect(status().isCreated())
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .path("id")
                .asLong();
    }

    private String executorOf(long run) {
        return jdbc.sql("SELECT executor FROM training_run WHERE id = :id")
                .param("id", run)
                .query(String.class)
                .single();
    }

    private static String sftRequest(String head, long dataset, long start) {
        return "{" + head + ", \"datasetIds\": [" + dataset + "], \"startCheckpointId\": " + start + "}";
    }

    /** Posts the request, expects 400 and answers its per-field errors. */
    private JsonNode errorsOf(String body) throws Exception {
        String answer = mvc.perform(post("/api/engineer/runs")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isBadRequest())
                .andReturn()
                .getResponse()
                .getContentAsString();
        return json.readTree(answer).path("errors");
    }

    private static <T> T resultOf(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
