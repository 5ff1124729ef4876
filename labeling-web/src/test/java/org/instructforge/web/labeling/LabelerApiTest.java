package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.ranking.CandidateImport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated labeler works every kind of task through {@code /api/labeler/**} with HTTP Basic, as scripts and the
 * closed-loop test do: claim, answer, skip; errors come back as {@code {"error": ...}}.
 */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
@AutoConfigureMockMvc
class LabelerApiTest {

    private static final String PASSWORD = "api-labeler-password";

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    CandidateImport candidates;

    @Autowired
    JdbcClient jdbc;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aDemonstrationIsClaimedAndSubmittedOnceThroughTheApi() throws Exception {
        String labeler = account(Role.LABELER);
        long prompt = prompt("Say hi in French. " + UUID.randomUUID());

        JsonNode task = nextOwn(labeler, "DEMONSTRATION", prompt);

        assertThat(task.path("kind").asString()).isEqualTo("DEMONSTRATION");
        assertThat(task.path("expiresAt").asString()).isNotBlank();
        assertThat(task.path("prompt").path("text").asString()).startsWith("Say hi in French.");
        assertThat(task.path("guidelines").asString()).isEqualTo("Answer briefly.");
        assertThat(task.has("candidates")).isFalse();
        assertThat(task.has("comparison")).isFalse();
        long lease = task.path("leaseId").asLong();
        assertThat(send(labeler, "/api/labeler/demonstrations/" + lease, "{\"text\": \"Bonjour !\"}")
                        .getStatus())
                .isEqualTo(204);
        assertThat(send(labeler, "/api/labeler/demonstrations/" + lease, "{\"text\": \"Salut !\"}")
                        .getStatus())
                .isEqualTo(204);

        assertThat(jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p AND status = 'SUBMITTED'")
                        .param("p", prompt)
                        .query(String.class)
                        .list())
                .containsExactly("Bonjour !");
    }

    @Test
    void aRankingShowsCandidatesInTheLabelersOrderWithoutModelsAndIsStoredAsSent() throws Exception {
        String labeler = account(Role.LABELER);
        long prompt = rankingTask("Capital of Peru? " + UUID.randomUUID());

        MockHttpServletResponse claimed = nextOwnResponse(labeler, "RANKING", prompt);
        JsonNode task = json.readTree(claimed.getContentAsString());

        assertThat(claimed.getContentAsString()).doesNotContain("model-sft-1").doesNotContain("model-ppo-1");
        assertThat(task.has("comparison")).isFalse();
        List<Long> shown = new ArrayList<>();
        task.path("candidates").forEach(c -> shown.add(c.path("id").asLong()));
        assertThat(shown).hasSize(4);
        long lease = task.path("leaseId").asLong();
        String body = """
                {"ranks": {"%d": 1, "%d": 2, "%d": 2, "%d": 4}, "likert": {"%d": 7},
                 "flags": {"%d": ["HALLUCINATION"]}, "notRankable": false}""".formatted(shown.get(0), shown.get(1), shown.get(2), shown.get(3), shown.get(0), shown.get(3));
        assertThat(send(labeler, "/api/labeler/rankings/" + lease, body).getStatus())
                .isEqualTo(204);
        assertThat(send(labeler, "/api/labeler/rankings/" + lease, body).getStatus())
                .isEqualTo(204);

        assertThat(jdbc.sql("""
                        SELECT e.rank FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id
                        WHERE e.candidate_id = :c""").param("c", shown.get(1)).query(Integer.class).list())
                .containsExactly(2);
        // The order the API showed is the order stored as the labeler's display order.
        assertThat(jdbc.sql("""
                        SELECT r.display_order::text FROM ranking r JOIN ranking_task t ON t.id = r.task_id
                        WHERE t.prompt_id = :p""").param("p", prompt).query(String.class).single())
                .isEqualTo(shown.toString());
        assertThat(jdbc.sql("SELECT count(*) FROM ranking_entry WHERE candidate_id = :c AND hallucination")
                        .param("c", shown.get(3))
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aComparisonShowsLeftAndRightWithoutModelsAndStoresTheChoiceInTheTasksTerms() throws Exception {
        String labeler = account(Role.LABELER);
        ComparisonFixtures.Evaluation evaluation = evaluation();
        long prompt = promptOfComparison(evaluation.taskIds().get(0));

        MockHttpServletResponse claimed = nextOwnResponse(labeler, "COMPARISON", prompt);
        JsonNode task = json.readTree(claimed.getContentAsString());

        assertThat(claimed.getContentAsString())
                .doesNotContain(evaluation.modelA())
                .doesNotContain(evaluation.modelB())
                .doesNotContain("model_a");
        assertThat(task.has("candidates")).isFalse();
        String left = task.path("comparison").path("left").path("text").asString();
        String right = task.path("comparison").path("right").path("text").asString();
        assertThat(List.of(left, right)).containsExactlyInAnyOrder("answer A", "answer B");
        long lease = task.path("leaseId").asLong();
        String answer = "{\"preferred\": \"LEFT\", \"likertLeft\": 6, \"likertRight\": 3}";
        assertThat(send(labeler, "/api/labeler/comparisons/" + lease, answer).getStatus())
                .isEqualTo(204);
        assertThat(send(labeler, "/api/labeler/comparisons/" + lease, answer).getStatus())
                .isEqualTo(204);

        assertThat(jdbc.sql("SELECT preferred || ' ' || likert_a || ' ' || likert_b FROM comparison_judgement "
                                + "WHERE task_id = :t")
                        .param("t", evaluation.taskIds().get(0))
                        .query(String.class)
                        .list())
                .containsExactly(left.equals("answer A") ? "A 6 3" : "B 3 6");
    }

    @Test
    void nothingWaitingIsA204() throws Exception {
        String labeler = account(Role.LABELER);
        // Everything other tests left waiting is skipped on the way; then the queue is empty for this labeler.
        for (int i = 0; i < 1000; i++) {
            MockHttpServletResponse next = next(labeler, "COMPARISON");
            if (next.getStatus() == 204) {
                assertThat(next.getContentAsString()).isEmpty();
                return;
            }
            assertThat(next.getStatus()).isEqualTo(200);
            skip(
                    labeler,
                    json.readTree(next.getContentAsString()).path("leaseId").asLong());
        }
        throw new AssertionError("the queue never ran dry");
    }

    @Test
    void badPayloadsAreRefusedWith400AndAMessageAndNothingIsStored() throws Exception {
        String labeler = account(Role.LABELER);
        long prompt = rankingTask("Capital of Chile? " + UUID.randomUUID());
        JsonNode task = nextOwn(labeler, "RANKING", prompt);
        long lease = task.path("leaseId").asLong();
        long someId = task.path("candidates").get(0).path("id").asLong();

        assertError(next(labeler, "PAINTING"), 400, "kind");
        assertError(
                send(labeler, "/api/labeler/rankings/" + lease, "{\"ranks\": {\"" + someId + "\": 1}}"),
                400,
                "Give every output a rank");
        assertError(
                send(labeler, "/api/labeler/rankings/" + lease, "{\"flags\": {\"" + someId + "\": [\"RUDE\"]}}"),
                400,
                "JSON");
        assertError(send(labeler, "/api/labeler/rankings/" + lease, "{\"notRankable\": true}"), 400, "Say why");
        assertError(send(labeler, "/api/labeler/rankings/" + lease, "{\"ranks\": "), 400, "JSON");
        assertError(send(labeler, "/api/labeler/tasks/" + lease + "/skip", "{}"), 400, "Say why you skip");
        assertError(send(labeler, "/api/labeler/demonstrations/" + lease, "{\"text\": \"hi\"}"), 404, "not a");

        ComparisonFixtures.Evaluation evaluation = evaluation();
        JsonNode comparison = nextOwn(
                labeler, "COMPARISON", promptOfComparison(evaluation.taskIds().get(0)));
        String path = "/api/labeler/comparisons/" + comparison.path("leaseId").asLong();
        assertError(send(labeler, path, "{}"), 400, "Choose the better output");
        assertError(send(labeler, path, "{\"preferred\": \"SIDEWAYS\"}"), 400, "JSON");
        assertError(send(labeler, path, "{\"preferred\": \"TIE\", \"likertLeft\": 9}"), 400, "1 to 7");

        long demonstrationPrompt = prompt("Count to three. " + UUID.randomUUID());
        long demonstration = nextOwn(labeler, "DEMONSTRATION", demonstrationPrompt)
                .path("leaseId")
                .asLong();
        assertError(
                send(labeler, "/api/labeler/demonstrations/" + demonstration, "{\"text\": \"  \"}"),
                400,
                "Write an answer");

        assertThat(rankingsOf(prompt)).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM comparison_judgement WHERE task_id = :t")
                        .param("t", evaluation.taskIds().get(0))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aFractionalOrOutOfRangeRankOrScoreIsRefusedWith400AndNothingIsStored() throws Exception {
        String labeler = account(Role.LABELER);
        long prompt = rankingTask("Capital of Ecuador? " + UUID.randomUUID());
        JsonNode task = nextOwn(labeler, "RANKING", prompt);
        String path = "/api/labeler/rankings/" + task.path("leaseId").asLong();
        List<Long> ids = new ArrayList<>();
        task.path("candidates").forEach(c -> ids.add(c.path("id").asLong()));
        String ranks = "\"ranks\": {\"%d\": 1, \"%d\": 2, \"%d\": 3, \"%d\": %s}";

        // 1.5 used to be truncated to 1 and stored as a tie for first place.
        assertError(
                send(labeler, path, "{" + ranks.formatted(ids.get(0), ids.get(1), ids.get(2), ids.get(3), "1.5") + "}"),
                400,
                "whole number");
        assertError(
                send(labeler, path, "{" + ranks.formatted(ids.get(0), ids.get(1), ids.get(2), ids.get(3), "5") + "}"),
                400,
                "from 1 to 4");
        assertError(
                send(labeler, path, "{" + ranks.formatted(ids.get(0), ids.get(1), ids.get(2), ids.get(3), "0") + "}"),
                400,
                "from 1 to 4");
        String valid = ranks.formatted(ids.get(0), ids.get(1), ids.get(2), ids.get(3), "4");
        assertError(
                send(labeler, path, "{" + valid + ", \"likert\": {\"" + ids.get(0) + "\": 6.5}}"),
                400,
                "whole number from 1 to 7");
        assertError(
                send(labeler, path, "{" + valid + ", \"likert\": {\"" + ids.get(0) + "\": 8}}"),
                400,
                "whole number from 1 to 7");
        assertThat(rankingsOf(prompt)).isZero();

        assertThat(send(labeler, path, "{" + valid + ", \"likert\": {\"" + ids.get(0) + "\": 7}}")
                        .getStatus())
                .isEqualTo(204);
    }

    @Test
    void someoneElsesTaskIsNotFoundAndASkippedOneCannotBeSubmitted() throws Exception {
        String ann = account(Role.LABELER);
        String bob = account(Role.LABELER);
        long prompt = prompt("Name a river. " + UUID.randomUUID());
        long lease = nextOwn(ann, "DEMONSTRATION", prompt).path("leaseId").asLong();

        assertError(send(bob, "/api/labeler/demonstrations/" + lease, "{\"text\": \"Nile\"}"), 404, "No task");
        assertError(get(bob, "/api/labeler/tasks/" + lease), 404, "No task");
        assertThat(json.readTree(get(ann, "/api/labeler/tasks/" + lease).getContentAsString())
                        .path("prompt")
                        .path("id")
                        .asLong())
                .isEqualTo(prompt);

        assertThat(send(ann, "/api/labeler/tasks/" + lease + "/skip", "{\"reason\": \"no idea\"}")
                        .getStatus())
                .isEqualTo(204);
        assertError(send(ann, "/api/labeler/demonstrations/" + lease, "{\"text\": \"Nile\"}"), 409, "skipped");
    }

    @Test
    void onlyLabelersReachTheLabelerApi() throws Exception {
        for (Role role : List.of(Role.ADMIN, Role.ML_ENGINEER)) {
            String user = account(role);
            assertThat(next(user, "DEMONSTRATION").getStatus()).isEqualTo(403);
            assertThat(send(user, "/api/labeler/comparisons/1", "{\"preferred\": \"TIE\"}")
                            .getStatus())
                    .isEqualTo(403);
        }
        assertThat(mvc.perform(post("/api/labeler/tasks/next").param("kind", "DEMONSTRATION"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(401);
    }

    private void assertError(MockHttpServletResponse response, int status, String message) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
        assertThat(json.readTree(response.getContentAsString()).path("error").asString())
                .contains(message);
    }

    private long rankingsOf(long prompt) {
        return jdbc.sql("SELECT count(*) FROM ranking r JOIN ranking_task t ON t.id = r.task_id WHERE t.prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private JsonNode nextOwn(String labeler, String kind, long promptId) throws Exception {
        return json.readTree(nextOwnResponse(labeler, kind, promptId).getContentAsString());
    }

    /** Claims through the API until this prompt's task comes up, skipping other tests' tasks. */
    private MockHttpServletResponse nextOwnResponse(String labeler, String kind, long promptId) throws Exception {
        for (int i = 0; i < 1000; i++) {
            MockHttpServletResponse next = next(labeler, kind);
            assertThat(next.getStatus()).as("queue ran dry").isEqualTo(200);
            JsonNode task = json.readTree(next.getContentAsString());
            if (task.path("prompt").path("id").asLong() == promptId) {
                return next;
            }
            skip(labeler, task.path("leaseId").asLong());
        }
        throw new AssertionError("task of prompt " + promptId + " not reached");
    }

    private MockHttpServletResponse next(String labeler, String kind) throws Exception {
        return mvc.perform(post("/api/labeler/tasks/next").param("kind", kind).with(httpBasic(labeler, PASSWORD)))
                .andReturn()
                .getResponse();
    }

    private void skip(String labeler, long lease) throws Exception {
        assertThat(send(labeler, "/api/labeler/tasks/" + lease + "/skip", "{\"reason\": \"another test's task\"}")
                        .getStatus())
                .isEqualTo(204);
    }

    private MockHttpServletResponse send(String user, String path, String body) throws Exception {
        return mvc.perform(post(path)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body)
                        .with(httpBasic(user, PASSWORD)))
                .andReturn()
                .getResponse();
    }

    private MockHttpServletResponse get(String user, String path) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path)
                        .with(httpBasic(user, PASSWORD)))
                .andReturn()
                .getResponse();
    }

    private String account(Role role) {
        String name = "api-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, PASSWORD, Set.of(role), null);
        return name;
    }

    private long prompt(String text) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("api", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line(text, "u1")));
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
    }

    /** A ranking task of four outputs whose models are named; returns its prompt id. */
    private long rankingTask(String text) throws Exception {
        long prompt = prompt(text);
        long dataset = jdbc.sql("SELECT dataset_id FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
        String line = "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"Lima\", \"model\": \"model-sft-1\"}, "
                + "{\"text\": \"Lima is the capital.\", \"model\": \"model-ppo-1\"}, {\"text\": \"Cusco\"}, "
                + "{\"text\": \"Quito\"}]}\n";
        assertThat(candidates
                        .importFile(dataset, new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "admin")
                        .errors())
                .isEmpty();
        return prompt;
    }

    private ComparisonFixtures.Evaluation evaluation() throws Exception {
        return ComparisonFixtures.evaluation(
                datasets,
                importer,
                jdbc,
                "OPEN",
                1,
                1,
                "Which is kinder? " + UUID.randomUUID(),
                "answer A",
                "answer B");
    }

    private long promptOfComparison(long task) {
        return jdbc.sql("SELECT prompt_id FROM comparison_task WHERE id = :t")
                .param("t", task)
                .query(Long.class)
                .single();
    }
}
