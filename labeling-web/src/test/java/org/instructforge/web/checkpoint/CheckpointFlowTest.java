package org.instructforge.web.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.instructforge.web.dataset.Datasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The registry, downloads, publishing with the next round and demonstration rounds, on real PostgreSQL. */
@SpringBootTest
@AutoConfigureMockMvc
class CheckpointFlowTest {

    /** The demo engineer account exists, so rounds and runs record who asked for them. */
    private static final RequestPostProcessor ENGINEER = user("engineer").roles("ML_ENGINEER");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Datasets datasets;

    @Autowired
    JsonMapper json;

    @TempDir
    Path temp;

    /** Other tests share the database and may insert a current policy of their own (at most one may exist). */
    @AfterEach
    void unpublish() {
        jdbc.sql("UPDATE model_checkpoint SET is_current_policy = FALSE WHERE is_current_policy")
                .update();
    }

    @Test
    void publishingMakesTheCheckpointTheOnlyCurrentPolicyAndQueuesACandidatesRun() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 5, 0, 0);
        long base = CheckpointFixtures.checkpoint(jdbc, "base", "BASE", null, "READY", "/nowhere");
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", base, "READY", "/nowhere");
        mvc.perform(post("/api/engineer/checkpoints/" + base + "/publish")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"nextRound\": false}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.round").doesNotExist());
        assertThat(currentPolicies()).containsExactly(base);

        String name = "next round " + sft;
        mvc.perform(post("/engineer/checkpoints/" + sft + "/publish")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("nextRound", "true")
                        .param("name", name)
                        .param("datasetId", String.valueOf(dataset))
                        .param("split", "TRAIN")
                        .param("promptCount", "3")
                        .param("outputsPerPrompt", "5")
                        .param("labelsWanted", "2")
                        .param("feedbackSource", "HUMAN")
                        .param("sampling[temperature]", "0.7")
                        .param("sampling[topK]", ""))
                .andExpect(redirectedUrl("/engineer/checkpoints/" + sft));

        assertThat(currentPolicies()).containsExactly(sft);
        assertThat(jdbc.sql("SELECT published_at IS NOT NULL FROM model_checkpoint WHERE id = :id")
                        .param("id", sft)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        Map<String, Object> round = jdbc.sql("""
                        SELECT kind, status, policy_checkpoint_id, split, prompt_count, outputs_per_prompt,
                               labels_wanted, feedback_source, training_run_id, dataset_id, sampling::text AS sampling
                        FROM label_round WHERE name = :name""").param("name", name).query().singleRow();
        assertThat(round)
                .containsEntry("kind", "RANKING")
                .containsEntry("status", "GENERATING")
                .containsEntry("policy_checkpoint_id", sft)
                .containsEntry("split", "TRAIN")
                .containsEntry("prompt_count", 3)
                .containsEntry("outputs_per_prompt", 5)
                .containsEntry("labels_wanted", 2)
                .containsEntry("feedback_source", "HUMAN")
                .containsEntry("dataset_id", dataset);
        assertThat(json.readTree((String) round.get("sampling"))
                        .get("temperature")
                        .asDouble())
                .isEqualTo(0.7);
        Map<String, Object> run =
                jdbc.sql("""
                        SELECT run_type, status, label_round_id, base_checkpoint_id, hyperparameters::text AS h,
                               data_selection::text AS d, requested_by IS NOT NULL AS requested
                        FROM training_run WHERE id = :id""").param("id", round.get("training_run_id")).query().singleRow();
        assertThat(run)
                .containsEntry("run_type", "CANDIDATES")
                .containsEntry("status", "QUEUED")
                .containsEntry("base_checkpoint_id", sft)
                .containsEntry("requested", true);
        assertThat(jdbc.sql("SELECT id FROM label_round WHERE name = :name")
                        .param("name", name)
                        .query(Long.class)
                        .single())
                .isEqualTo(run.get("label_round_id"));
        JsonNode hyperparameters = json.readTree((String) run.get("h"));
        assertThat(fields(hyperparameters))
                .containsExactlyInAnyOrder(
                        "seed", "temperature", "topP", "topK", "maxNewTokens", "outputsPerPrompt", "promptCount");
        assertThat(hyperparameters.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(hyperparameters.get("topK").asLong()).isZero(); // blank: the default
        assertThat(hyperparameters.get("maxNewTokens").asLong()).isEqualTo(64);
        assertThat(hyperparameters.get("outputsPerPrompt").asLong()).isEqualTo(5);
        assertThat(hyperparameters.get("promptCount").asLong()).isEqualTo(3);
        assertThat(json.readTree((String) run.get("d")))
                .isEqualTo(json.readTree(
                        "{\"datasetIds\": [" + dataset + "], \"roundIds\": []," + " \"includeAiFeedback\": false}"));

        mvc.perform(get("/engineer/checkpoints/" + sft).with(ENGINEER))
                .andExpect(content().string(containsString("current policy")))
                .andExpect(content().string(containsString(name)));
    }

    @Test
    void theSameFormSentTwiceStartsOneRound() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 3, 0, 0);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        String name = "twice " + sft;
        for (int i = 0; i < 2; i++) {
            mvc.perform(post("/engineer/checkpoints/" + sft + "/publish")
                    .with(ENGINEER)
                    .with(csrf())
                    .param("name", name)
                    .param("datasetId", String.valueOf(dataset))
                    .param("promptCount", "2"));
        }

        assertThat(jdbc.sql("SELECT count(*) FROM label_round WHERE name = :name")
                        .param("name", name)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM training_run WHERE name = :name")
                        .param("name", name)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        mvc.perform(post("/api/engineer/checkpoints/" + sft + "/publish")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"" + name + "\", \"datasetId\": " + dataset + ", \"promptCount\": 2}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.name", containsString("exists already")));
    }

    @Test
    void roundsWithoutANameGetAFreshOneEvenWithinOneSecond() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 2, 0, 0);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        for (int i = 0; i < 2; i++) {
            mvc.perform(post("/api/engineer/checkpoints/" + sft + "/publish")
                            .with(ENGINEER)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"datasetId\": " + dataset + ", \"promptCount\": 2}"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath(
                            "$.round.name", containsString("ranking " + CheckpointFixtures.nameOf(jdbc, sft))));
        }

        assertThat(jdbc.sql("SELECT count(DISTINCT name) FROM label_round WHERE policy_checkpoint_id = :p")
                        .param("p", sft)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void aRewardModelCannotBePublished() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 3, 0, 0);
        long reward = CheckpointFixtures.checkpoint(jdbc, "rm", "REWARD", null, "READY", "/nowhere");
        Set<Long> before = Set.copyOf(currentPolicies());

        mvc.perform(post("/api/engineer/checkpoints/" + reward + "/publish")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"datasetId\": " + dataset + ", \"promptCount\": 2}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.checkpoint", containsString("cannot be published")));
        mvc.perform(post("/engineer/checkpoints/" + reward + "/publish")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("nextRound", "false"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("REWARD checkpoint and cannot be published")));

        assertThat(currentPolicies()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void theNextRoundIsValidatedFieldByField() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 2, 0, 0);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long policy = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        Set<Long> before = Set.copyOf(currentPolicies());

        mvc.perform(post("/api/engineer/checkpoints/" + sft + "/publish")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"datasetId\": " + dataset + ", \"promptCount\": 3, \"outputsPerPrompt\": 10,"
                                + " \"feedbackSource\": \"AI\", \"judgeCheckpointId\": " + policy + ","
                                + " \"sampling\": {\"temperature\": 3, \"beamWidth\": 4}}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.promptCount", containsString("has only 2 prompts")))
                .andExpect(jsonPath("$.errors.outputsPerPrompt", containsString("between 4 and 9")))
                .andExpect(jsonPath("$.errors.judgeCheckpointId", containsString("must be a reward model")))
                .andExpect(jsonPath("$.errors['sampling.temperature']", containsString("between 0 and 2")))
                .andExpect(jsonPath("$.errors['sampling.beamWidth']", containsString("unknown")));

        assertThat(currentPolicies()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void theRegistryListsReadyCheckpointsWithLineageMetricsAndRun() throws Exception {
        long run = jdbc.sql("INSERT INTO training_run (run_type, status) VALUES ('PPO', 'SUCCEEDED') RETURNING id")
                .query(Long.class)
                .single();
        long base = CheckpointFixtures.checkpoint(jdbc, "base", "BASE", null, "READY", "/nowhere");
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", base, "READY", "/nowhere");
        long reward = CheckpointFixtures.checkpoint(jdbc, "rm", "REWARD", sft, "READY", "/nowhere");
        long ppo = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "READY", "/nowhere");
        jdbc.sql("UPDATE model_checkpoint SET reference_policy_id = :sft, reward_model_id = :rm, training_run_id = :run"
                        + " WHERE id = :ppo")
                .param("sft", sft)
                .param("rm", reward)
                .param("run", run)
                .param("ppo", ppo)
                .update();
        long writing = CheckpointFixtures.checkpoint(jdbc, "half-written", "SFT", base, "WRITING", "/nowhere");
        long failed = CheckpointFixtures.checkpoint(jdbc, "failed", "SFT", base, "FAILED", "/nowhere");

        mvc.perform(get("/engineer/checkpoints").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString(CheckpointFixtures.nameOf(jdbc, ppo))))
                .andExpect(content().string(not(containsString(CheckpointFixtures.nameOf(jdbc, writing)))))
                .andExpect(content().string(not(containsString(CheckpointFixtures.nameOf(jdbc, failed)))));
        mvc.perform(get("/engineer/checkpoints/" + ppo).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("/engineer/checkpoints/" + base)))
                .andExpect(content().string(containsString("reference policy")))
                .andExpect(content().string(containsString("/engineer/checkpoints/" + reward)))
                .andExpect(content().string(containsString("/engineer/runs/" + run)))
                .andExpect(content().string(containsString("sft/val_loss")))
                .andExpect(content().string(containsString("1.2346")))
                .andExpect(content().string(containsString("selection.reward")))
                .andExpect(content().string(containsString("1.5 KiB")));
        mvc.perform(get("/api/engineer/checkpoints/" + ppo).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.lineage[0].id").value(base))
                .andExpect(jsonPath("$.lineage[1].id").value(sft))
                .andExpect(jsonPath("$.rewardModel.id").value(reward))
                .andExpect(jsonPath("$.trainingRunId").value(run))
                .andExpect(jsonPath("$.metrics['sft/val_loss']").value(1.23456789));
        mvc.perform(get("/engineer/checkpoints/" + writing).with(ENGINEER)).andExpect(status().isNotFound());
        mvc.perform(get("/api/engineer/checkpoints/" + writing).with(ENGINEER)).andExpect(status().isNotFound());
    }

    @Test
    void downloadIsAZipOfTheDirectoryAndItsFirstLevelOfSubfolders() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("sft-7"));
        Files.writeString(directory.resolve("config.json"), "{\"n_layer\": 2}");
        Files.write(directory.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        Files.writeString(directory.resolve("SHA256SUMS"), "abc  config.json\n");
        Files.createDirectories(directory.resolve("optimizer"));
        Files.writeString(directory.resolve("optimizer/state.json"), "{}");
        Files.createDirectories(directory.resolve("optimizer/deeper"));
        Files.writeString(directory.resolve("optimizer/deeper/too-deep.txt"), "no");
        Files.createSymbolicLink(directory.resolve("tokenizer.json"), directory.resolve("config.json"));
        long id = CheckpointFixtures.checkpoint(jdbc, "sft-7", "SFT", null, "READY", directory.toString());
        String name = CheckpointFixtures.nameOf(jdbc, id);

        byte[] zip = mvc.perform(
                        get("/engineer/checkpoints/" + id + "/download").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "application/zip"))
                .andExpect(header().string("Content-Disposition", containsString("filename=\"" + name + ".zip\"")))
                .andReturn()
                .getResponse()
                .getContentAsByteArray();

        Map<String, String> files = unzip(zip);
        assertThat(files)
                .containsOnlyKeys(
                        "config.json", "model.safetensors", "SHA256SUMS", "optimizer/state.json", "tokenizer.json")
                .containsEntry("config.json", "{\"n_layer\": 2}")
                .containsEntry("tokenizer.json", "{\"n_layer\": 2}");
        mvc.perform(get("/api/engineer/checkpoints/" + id + "/download").with(ENGINEER))
                .andExpect(status().isOk());
    }

    @Test
    void downloadRefusesLinksLeavingTheDirectoryAndSaysWhenTheFilesAreGone() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "do not send");
        Path directory = Files.createDirectories(temp.resolve("leaky"));
        Files.writeString(directory.resolve("config.json"), "{}");
        Files.createSymbolicLink(directory.resolve("model.safetensors"), secret);
        long leaky = CheckpointFixtures.checkpoint(jdbc, "leaky", "SFT", null, "READY", directory.toString());
        long gone = CheckpointFixtures.checkpoint(
                jdbc, "gone", "SFT", null, "READY", temp.resolve("deleted").toString());

        mvc.perform(get("/api/engineer/checkpoints/" + leaky + "/download").with(ENGINEER))
                .andExpect(status().isConflict())
                .andExpect(status().reason(containsString("link leaving its directory")));
        mvc.perform(get("/api/engineer/checkpoints/" + gone + "/download").with(ENGINEER))
                .andExpect(status().isNotFound())
                .andExpect(status().reason(containsString("are gone")));
    }

    @Test
    void roundsCountAndHoldOnlyPromptsClearedOfPii() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 3, 0, 0);
        long pending = jdbc.sql("SELECT min(id) FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        jdbc.sql("UPDATE prompt SET pii_status = 'PENDING_REVIEW' WHERE id = :p")
                .param("p", pending)
                .update();
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");

        mvc.perform(post("/api/engineer/checkpoints/" + sft + "/publish")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"datasetId\": " + dataset + ", \"promptCount\": 3}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.promptCount", containsString("has only 2 prompts")));
        String name = "cleared prompts " + dataset;
        mvc.perform(post("/api/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(name, dataset, "TRAIN", 3)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.promptCount", containsString("has only 2 fresh prompts")));
        mvc.perform(post("/api/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(name, dataset, "TRAIN", 2)))
                .andExpect(status().is2xxSuccessful());

        assertThat(jdbc.sql("""
                        SELECT rp.prompt_id FROM label_round_prompt rp JOIN label_round r ON r.id = rp.round_id
                        WHERE r.name = :n""").param("n", name).query(Long.class).list())
                .hasSize(2)
                .doesNotContain(pending);
    }

    @Test
    void aDemonstrationRoundHoldsFreshPromptsOnly() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 3, 0, 2);
        long demonstrated = jdbc.sql("SELECT min(id) FROM prompt WHERE dataset_id = :d AND split = 'TRAIN'")
                .param("d", dataset)
                .query(Long.class)
                .single();
        jdbc.sql("""
                        INSERT INTO demonstration (prompt_id, labeler_id, text, status, submitted_at)
                        VALUES (:p, (SELECT id FROM app_user WHERE username = 'labeler'), 'done', 'SUBMITTED', now())""").param("p", demonstrated).update();
        String name = "demonstrations " + dataset;

        mvc.perform(post("/api/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(name, dataset, "TRAIN", 3)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.promptCount", containsString("has only 2 fresh prompts")));
        mvc.perform(post("/api/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(name, dataset, "TEST", 1)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.split", containsString("held out")));
        mvc.perform(post("/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("name", name)
                        .param("datasetId", String.valueOf(dataset))
                        .param("split", "TRAIN")
                        .param("promptCount", "2"))
                .andExpect(redirectedUrl("/engineer/rounds/demonstrations"));
        mvc.perform(post("/engineer/rounds/demonstrations")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("name", name)
                        .param("datasetId", String.valueOf(dataset))
                        .param("promptCount", "1"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("exists already")));

        long round = jdbc.sql(
                        "SELECT id FROM label_round WHERE name = :n AND kind = 'DEMONSTRATION' AND status = 'OPEN'")
                .param("n", name)
                .query(Long.class)
                .single();
        assertThat(jdbc.sql("SELECT prompt_id FROM label_round_prompt WHERE round_id = :r")
                        .param("r", round)
                        .query(Long.class)
                        .list())
                .hasSize(2)
                .doesNotContain(demonstrated)
                .allSatisfy(prompt -> assertThat(jdbc.sql("SELECT split FROM prompt WHERE id = :p")
                                .param("p", prompt)
                                .query(String.class)
                                .single())
                        .isEqualTo("TRAIN"));
        mvc.perform(get("/engineer/rounds/demonstrations").with(ENGINEER))
                .andExpect(content().string(containsString(name)));
    }

    @Test
    void labelersReachNoneOfIt() throws Exception {
        RequestPostProcessor labeler = user("some-labeler").roles("LABELER");
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        mvc.perform(get("/engineer/checkpoints").with(labeler)).andExpect(status().isForbidden());
        mvc.perform(get("/engineer/checkpoints/" + sft + "/download").with(labeler))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/engineer/checkpoints/" + sft).with(labeler)).andExpect(status().isForbidden());
        mvc.perform(post("/engineer/checkpoints/" + sft + "/publish")
                        .with(labeler)
                        .with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/engineer/rounds/demonstrations")
                        .with(labeler)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isForbidden());
        mvc.perform(get("/engineer/rounds/demonstrations").with(labeler)).andExpect(status().isForbidden());
    }

    private java.util.List<Long> currentPolicies() {
        return jdbc.sql("SELECT id FROM model_checkpoint WHERE is_current_policy")
                .query(Long.class)
                .list();
    }

    private static java.util.List<String> fields(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    private static String body(String name, long dataset, String split, int prompts) {
        return "{\"name\": \"" + name + "\", \"datasetId\": " + dataset + ", \"split\": \"" + split
                + "\", \"promptCount\": " + prompts + "}";
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
