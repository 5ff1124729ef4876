package org.instructforge.web.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.demonstration.DemonstrationWork;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.instructforge.web.ranking.AiFeedbackFixtures;
import org.instructforge.web.ranking.CandidateImport;
import org.instructforge.web.ranking.RankingSubmission;
import org.instructforge.web.ranking.RankingTaskView;
import org.instructforge.web.ranking.RankingWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SFT, preference and raw-ranking exports from labels made through the real queue. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
@AutoConfigureMockMvc
class LabelExportTest {

    @Autowired
    LabelExport export;

    @Autowired
    TaskQueue queue;

    @Autowired
    RankingWork rankings;

    @Autowired
    DemonstrationWork demonstrations;

    @Autowired
    CandidateImport candidates;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    Accounts accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MockMvc mvc;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aRankingWithOneTieGivesFivePreferencePairsAndNotRankableGivesNone() throws Exception {
        long dataset = datasetWithTask("Best fruit?");
        String ann = labeler();
        String bo = labeler();
        rank(
                ann,
                dataset,
                ids -> new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 2, ids.get(3), 4),
                        Map.of(),
                        Map.of(),
                        false,
                        null,
                        null));
        rank(bo, dataset, ids -> new RankingSubmission(Map.of(), Map.of(), Map.of(), true, "all wrong", null));

        List<JsonNode> pairs = lines(out -> export.preferences(new LabelExport.Selection(dataset, null), out));

        assertThat(pairs).hasSize(5).allSatisfy(pair -> {
            assertThat(pair.path("prompt").asString()).isEqualTo("Best fruit?");
            assertThat(pair.path("chosen").asString())
                    .isNotEqualTo(pair.path("rejected").asString());
        });
        assertThat(lines(out -> export.rankings(new LabelExport.Selection(dataset, null), false, out)))
                .hasSize(2);
    }

    @Test
    void anExcludedLabelersRankingsLeaveThePreferenceExport() throws Exception {
        long dataset = datasetWithTask("Best colour?");
        String ann = labeler();
        rank(
                ann,
                dataset,
                ids -> new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                        Map.of(),
                        Map.of(),
                        false,
                        null,
                        null));
        assertThat(lines(out -> export.preferences(new LabelExport.Selection(dataset, null), out)))
                .hasSize(6);

        jdbc.sql("UPDATE app_user SET labels_excluded = TRUE WHERE username = :u")
                .param("u", ann)
                .update();

        assertThat(lines(out -> export.preferences(new LabelExport.Selection(dataset, null), out)))
                .isEmpty();
    }

    @Test
    void pseudonymsAreStableAndRevealNoId() throws Exception {
        long dataset = datasetWithTask("Best season?");
        String ann = labeler();
        rank(
                ann,
                dataset,
                ids -> new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                        Map.of(),
                        Map.of(),
                        false,
                        null,
                        null));
        long annId = jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", ann)
                .query(Long.class)
                .single();

        String first = lines(out -> export.rankings(new LabelExport.Selection(dataset, null), true, out))
                .get(0)
                .path("labeler")
                .asString();
        String second = lines(out -> export.rankings(new LabelExport.Selection(dataset, null), true, out))
                .get(0)
                .path("labeler")
                .asString();

        assertThat(first).isEqualTo(second).matches("labeler-[0-9a-f]{16}").isNotEqualTo("labeler-" + annId);
    }

    @Test
    void submittedDemonstrationsExportAsPromptAndCompletion() throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("sft export", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line("Say hi in French.", "u1")));
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String ann = labeler();
        Lease lease = claim(ann, TaskKind.DEMONSTRATION, prompt);
        demonstrations.submit(lease.id(), ann, "Bonjour !");

        List<JsonNode> lines = lines(out -> export.sft(new LabelExport.Selection(dataset, null), out));

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.path("prompt").asString()).isEqualTo("Say hi in French.");
            assertThat(line.path("completion").asString()).isEqualTo("Bonjour !");
            assertThat(line.path("feedback_source").asString()).isEqualTo("HUMAN");
        });
        assertThat(lines(out -> export.sft(new LabelExport.Selection(dataset, null, LabelExport.Feedback.AI), out)))
                .isEmpty();
    }

    @Test
    void labelsOfAPromptBackInPiiReviewLeaveEveryExportUntilItIsCleared() throws Exception {
        long dataset = datasetWithTask("Best mountain?");
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String ann = labeler();
        demonstrations.submit(claim(ann, TaskKind.DEMONSTRATION, prompt).id(), ann, "Everest.");
        rank(ann, dataset, LabelExportTest::inOrder);
        var selection = new LabelExport.Selection(dataset, null);
        assertThat(lines(out -> export.sft(selection, out))).hasSize(1);

        setPiiStatus(prompt, "PENDING_REVIEW");

        assertThat(lines(out -> export.sft(selection, out))).isEmpty();
        assertThat(lines(out -> export.preferences(selection, out))).isEmpty();
        assertThat(lines(out -> export.rankings(selection, false, out))).isEmpty();

        setPiiStatus(prompt, "SCRUBBED");
        assertThat(lines(out -> export.sft(selection, out))).hasSize(1);
        assertThat(lines(out -> export.preferences(selection, out))).hasSize(6);
        assertThat(lines(out -> export.rankings(selection, false, out))).hasSize(1);
    }

    /** The four outputs ranked 1 to 4, no ties. */
    private static RankingSubmission inOrder(List<Long> ids) {
        return new RankingSubmission(
                Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                Map.of(),
                Map.of(),
                false,
                null,
                null);
    }

    private void setPiiStatus(long prompt, String status) {
        jdbc.sql("UPDATE prompt SET pii_status = :s WHERE id = :p")
                .param("s", status)
                .param("p", prompt)
                .update();
    }

    @Test
    void everyLineSaysWhetherAPersonOrTheAiLabelerRankedAndTheFeedbackFilterKeepsOne() throws Exception {
        long dataset = datasetWithTask("Best river?");
        rank(
                labeler(),
                dataset,
                ids -> new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                        Map.of(),
                        Map.of(),
                        false,
                        null,
                        null));
        AiFeedbackFixtures.reversedAiRanking(jdbc, taskOf(dataset));

        List<JsonNode> all = lines(out -> export.preferences(new LabelExport.Selection(dataset, null), out));
        List<JsonNode> human = lines(
                out -> export.preferences(new LabelExport.Selection(dataset, null, LabelExport.Feedback.HUMAN), out));
        List<JsonNode> ai = lines(
                out -> export.preferences(new LabelExport.Selection(dataset, null, LabelExport.Feedback.AI), out));

        assertThat(all).hasSize(12);
        assertThat(all.stream().filter(l -> l.path("feedback_source").asString().equals("AI")))
                .hasSize(6);
        assertThat(human)
                .hasSize(6)
                .allSatisfy(
                        l -> assertThat(l.path("feedback_source").asString()).isEqualTo("HUMAN"));
        assertThat(ai)
                .hasSize(6)
                .allSatisfy(
                        l -> assertThat(l.path("feedback_source").asString()).isEqualTo("AI"));
        // The AI labeler ranked the other way round: its pairs are the people's, reversed.
        JsonNode aiPair = ai.get(0);
        assertThat(human).anySatisfy(l -> {
            assertThat(l.path("chosen").asString())
                    .isEqualTo(aiPair.path("rejected").asString());
            assertThat(l.path("rejected").asString())
                    .isEqualTo(aiPair.path("chosen").asString());
        });

        List<JsonNode> rankings = lines(out -> export.rankings(new LabelExport.Selection(dataset, null), false, out));
        assertThat(rankings)
                .extracting(l -> l.path("feedback_source").asString())
                .containsExactlyInAnyOrder("HUMAN", "AI");
        assertThat(lines(out ->
                        export.rankings(new LabelExport.Selection(dataset, null, LabelExport.Feedback.AI), false, out)))
                .singleElement()
                .satisfies(l -> assertThat(l.path("labeler").asString()).isEqualTo(String.valueOf(aiLabelerId())));
    }

    @Test
    void theFeedbackParameterFiltersTheDownloadAndRejectsUnknownValues() throws Exception {
        long dataset = datasetWithTask("Best lake?");
        AiFeedbackFixtures.reversedAiRanking(jdbc, taskOf(dataset));

        String onlyHuman = download("/exports/rankings.jsonl?dataset=" + dataset + "&feedback=human");
        String onlyAi = download("/api/exports/preferences.jsonl?dataset=" + dataset + "&feedback=AI");
        String everything = download("/exports/rankings.jsonl?dataset=" + dataset);

        assertThat(onlyHuman).isEmpty();
        assertThat(onlyAi.lines()).hasSize(6).allSatisfy(l -> assertThat(l).contains("\"feedback_source\":\"AI\""));
        assertThat(everything.lines()).hasSize(1);
        mvc.perform(get("/exports/rankings.jsonl?feedback=robots")
                        .with(user("e").roles("ML_ENGINEER")))
                .andExpect(status().isBadRequest());
    }

    @Test
    void labelersCannotDownloadExportsButEngineersAndAdminsCan() throws Exception {
        mvc.perform(get("/exports/sft.jsonl").with(user("l").roles("LABELER"))).andExpect(status().isForbidden());
        mvc.perform(get("/exports/sft.jsonl").with(user("e").roles("ML_ENGINEER")))
                .andExpect(status().isOk());
        mvc.perform(get("/api/exports/rankings.jsonl").with(user("a").roles("ADMIN")))
                .andExpect(status().isOk());
        mvc.perform(get("/exports/secrets.jsonl").with(user("a").roles("ADMIN")))
                .andExpect(status().isNotFound());
    }

    @Test
    void theRankingsExportCarriesEachOutputsFlagsLikertScoreAndTheCheckpointThatWroteIt() throws Exception {
        long dataset = datasetWithTask("Best tree?");
        String checkpoint = "ppo-export-" + UUID.randomUUID().toString().substring(0, 8);
        long checkpointId =
                jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path)
                        VALUES (:n, 'PPO', 'READY', :n) RETURNING id""").param("n", checkpoint).query(Long.class).single();
        // As the training service writes a policy's outputs: the checkpoint's id, no label.
        long written = jdbc.sql("""
                        UPDATE ranking_candidate SET model_checkpoint_id = :m, model_label = NULL
                        WHERE id = (SELECT min(id) FROM ranking_candidate WHERE task_id = :t) RETURNING id""")
                .param("m", checkpointId)
                .param("t", taskOf(dataset))
                .query(Long.class)
                .single();
        rank(
                labeler(),
                dataset,
                ids -> new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                        Map.of(written, 6),
                        Map.of(
                                written,
                                Set.of(
                                        org.instructforge.web.ranking.MetadataFlag.HALLUCINATION,
                                        org.instructforge.web.ranking.MetadataFlag.EXPRESSES_OPINION)),
                        false,
                        null,
                        null));

        JsonNode ranking = lines(out -> export.rankings(new LabelExport.Selection(dataset, null), false, out))
                .get(0);

        JsonNode output = null;
        for (JsonNode candidate : ranking.path("candidates")) {
            if (candidate.path("id").asLong() == written) {
                output = candidate;
            } else {
                assertThat(candidate.path("flags").isArray()).isTrue();
                assertThat(candidate.path("flags")).isEmpty();
            }
        }
        assertThat(output).isNotNull();
        assertThat(output.path("model").asString()).isEqualTo(checkpoint);
        assertThat(output.path("likert").asInt()).isEqualTo(6);
        assertThat(output.path("flags").toString()).isEqualTo("[\"HALLUCINATION\",\"EXPRESSES_OPINION\"]");
    }

    /**
     * TRL's DPOTrainer and RewardTrainer take {@code prompt}, {@code chosen} and {@code rejected}, as text (standard)
     * or as lists of turns (conversational); a chat import keeps its turns there, a plain prompt is one user turn.
     */
    @Test
    void preferenceLinesLoadInTrlAsTextOrAsChatTurns() throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("chat export", 3, "1"), "tester");
        ImportFixtures.importLines(
                importer,
                dataset,
                false,
                List.of("{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"Best fruit?\"}], \"user_id\": \"u1\"}"));
        long promptId = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String outputs = "{\"prompt_id\": " + promptId + ", \"outputs\": [{\"text\": \"one\"}, {\"text\": \"two\"}, "
                + "{\"text\": \"three\"}, {\"text\": \"four\"}]}\n";
        assertThat(candidates
                        .importFile(dataset, new ByteArrayInputStream(outputs.getBytes()), "admin")
                        .errors())
                .isEmpty();
        rank(labeler(), dataset, LabelExportTest::inOrder);

        List<JsonNode> standard = lines(
                out -> export.preferences(new LabelExport.Selection(dataset, null), LabelExport.Format.STANDARD, out));
        assertThat(standard).hasSize(6).allSatisfy(line -> {
            assertThat(line.path("prompt").asString()).isEqualTo("System: Be brief.\n\nUser: Best fruit?");
            assertThat(line.path("chosen").isString()).isTrue();
            assertThat(line.path("rejected").isString()).isTrue();
        });

        String download = download("/exports/preferences.jsonl?dataset=" + dataset + "&format=conversational");
        List<JsonNode> chat = download.lines().map(json::readTree).toList();
        assertThat(chat).hasSize(6).allSatisfy(line -> {
            assertThat(line.path("prompt").toString())
                    .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                            + "{\"role\":\"user\",\"content\":\"Best fruit?\"}]");
            assertThat(line.path("chosen").get(0).path("role").asString()).isEqualTo("assistant");
            assertThat(line.path("rejected").get(0).path("role").asString()).isEqualTo("assistant");
            assertThat(line.path("chosen").get(0).path("content").asString())
                    .isNotEqualTo(line.path("rejected").get(0).path("content").asString());
        });
        // "one" was ranked first, so it is chosen in every pair it is in.
        assertThat(chat.stream().filter(line -> line.path("chosen").toString().contains("\"one\"")))
                .hasSize(3);

        // A plain prompt is one user turn; an unknown format is refused.
        long plain = datasetWithTask("Best tree?");
        rank(labeler(), plain, LabelExportTest::inOrder);
        assertThat(lines(out -> export.preferences(
                                new LabelExport.Selection(plain, null), LabelExport.Format.CONVERSATIONAL, out))
                        .get(0)
                        .path("prompt")
                        .toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"Best tree?\"}]");
        mvc.perform(get("/exports/preferences.jsonl?format=chatml")
                        .with(user("e").roles("ML_ENGINEER")))
                .andExpect(status().isBadRequest());
    }

    private String download(String path) throws Exception {
        var started =
                mvc.perform(get(path).with(user("e").roles("ML_ENGINEER"))).andReturn();
        return mvc.perform(asyncDispatch(started))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    private long taskOf(long dataset) {
        return jdbc.sql("SELECT t.id FROM ranking_task t JOIN prompt p ON p.id = t.prompt_id WHERE p.dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
    }

    private long aiLabelerId() {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", Accounts.AI_LABELER)
                .query(Long.class)
                .single();
    }

    private interface Writer {
        void write(java.io.OutputStream out) throws Exception;
    }

    private List<JsonNode> lines(Writer writer) throws Exception {
        var out = new ByteArrayOutputStream();
        writer.write(out);
        return out.toString(StandardCharsets.UTF_8).lines().map(json::readTree).toList();
    }

    private long datasetWithTask(String prompt) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("export", 3, "1"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line(prompt, "u1")));
        long promptId = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String line = "{\"prompt_id\": " + promptId + ", \"outputs\": [{\"text\": \"one\"}, {\"text\": \"two\"}, "
                + "{\"text\": \"three\"}, {\"text\": \"four\"}]}\n";
        assertThat(candidates
                        .importFile(dataset, new ByteArrayInputStream(line.getBytes()), "admin")
                        .errors())
                .isEmpty();
        return dataset;
    }

    private void rank(String labeler, long dataset, java.util.function.Function<List<Long>, RankingSubmission> how) {
        long task = jdbc.sql(
                        "SELECT t.id FROM ranking_task t JOIN prompt p ON p.id = t.prompt_id WHERE p.dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        Lease lease = claim(labeler, TaskKind.RANKING, task);
        RankingTaskView view = rankings.task(lease.id(), labeler);
        List<Long> ids = view.outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .sorted()
                .toList();
        rankings.submit(lease.id(), labeler, how.apply(ids));
    }

    private Lease claim(String labeler, TaskKind kind, long itemId) {
        return org.instructforge.web.labeling.QueueFixtures.claim(queue, labeler, kind, itemId);
    }

    private String labeler() {
        String name = "ex-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, "secret-password", Set.of(Role.LABELER), null);
        return name;
    }
}
