package org.instructforge.web.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.instructforge.web.checkpoint.CheckpointFixtures;
import org.instructforge.web.dataset.Datasets;
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

/** Starting evaluation rounds and reading their results, on real PostgreSQL. */
@SpringBootTest
@AutoConfigureMockMvc
class EvaluationFlowTest {

    private static final RequestPostProcessor ENGINEER = user("engineer").roles("ML_ENGINEER");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Datasets datasets;

    @Autowired
    JsonMapper json;

    @Test
    void anEvaluationRoundStartsGeneratingWithAQueuedEvaluationRun() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 0, 0, 4);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long ppo = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "READY", "/nowhere");
        long reward = CheckpointFixtures.checkpoint(jdbc, "rm", "REWARD", sft, "READY", "/nowhere");

        String answer = mvc.perform(post("/api/engineer/evaluations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"candidateId\": " + ppo + ", \"baselineId\": " + sft + ", \"datasetId\": "
                                + dataset + ", \"promptCount\": 4, \"labelsWanted\": 3, \"feedbackSource\": \"AI\","
                                + " \"judgeCheckpointId\": " + reward + ", \"sampling\": {\"temperature\": 0.5}}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.status").value("GENERATING"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        long roundId = json.readTree(answer).get("roundId").asLong();

        Map<String, Object> round = jdbc.sql("""
                        SELECT kind, status, policy_checkpoint_id, baseline_checkpoint_id, split, prompt_count,
                               labels_wanted, feedback_source, judge_checkpoint_id, training_run_id
                        FROM label_round WHERE id = :id""").param("id", roundId).query().singleRow();
        assertThat(round)
                .containsEntry("kind", "EVALUATION")
                .containsEntry("status", "GENERATING")
                .containsEntry("policy_checkpoint_id", ppo)
                .containsEntry("baseline_checkpoint_id", sft)
                .containsEntry("split", "TEST") // held-out prompts by default
                .containsEntry("prompt_count", 4)
                .containsEntry("labels_wanted", 3)
                .containsEntry("feedback_source", "AI")
                .containsEntry("judge_checkpoint_id", reward);
        Map<String, Object> run =
                jdbc.sql("""
                        SELECT run_type, status, label_round_id, base_checkpoint_id, hyperparameters::text AS h
                        FROM training_run WHERE id = :id""").param("id", round.get("training_run_id")).query().singleRow();
        assertThat(run)
                .containsEntry("run_type", "EVALUATION")
                .containsEntry("status", "QUEUED")
                .containsEntry("label_round_id", roundId)
                .containsEntry("base_checkpoint_id", ppo);
        JsonNode hyperparameters = json.readTree((String) run.get("h"));
        assertThat(hyperparameters.propertyNames())
                .containsExactlyInAnyOrder("seed", "temperature", "topP", "topK", "maxNewTokens", "promptCount");
        assertThat(hyperparameters.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(hyperparameters.get("promptCount").asLong()).isEqualTo(4);
    }

    @Test
    void anEvaluationNeedsTwoDifferentPoliciesAndValidSampling() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 0, 0, 2);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long reward = CheckpointFixtures.checkpoint(jdbc, "rm", "REWARD", sft, "READY", "/nowhere");
        long writing = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "WRITING", "/nowhere");
        long roundsBefore = rounds();

        mvc.perform(post("/api/engineer/evaluations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"candidateId\": " + sft + ", \"baselineId\": " + sft + ", \"datasetId\": " + dataset
                                + ", \"promptCount\": 2, \"sampling\": {\"topP\": 0}}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.baselineId", containsString("two different checkpoints")))
                .andExpect(jsonPath("$.errors['sampling.topP']", containsString("between")));
        mvc.perform(post("/api/engineer/evaluations")
                        .with(ENGINEER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"candidateId\": " + reward + ", \"baselineId\": " + writing + ", \"datasetId\": "
                                + dataset + ", \"promptCount\": 3}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.candidateId", containsString("not a policy")))
                .andExpect(jsonPath("$.errors.baselineId", containsString("No ready checkpoint")))
                .andExpect(jsonPath("$.errors.promptCount", containsString("has only 2 prompts")));
        mvc.perform(post("/engineer/evaluations")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("candidateId", String.valueOf(sft))
                        .param("baselineId", String.valueOf(sft))
                        .param("datasetId", String.valueOf(dataset))
                        .param("promptCount", "2")
                        .param("sampling[temperature]", "hot"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("two different checkpoints")))
                .andExpect(content().string(containsString("&#39;hot&#39; is not a number")));

        assertThat(rounds()).isEqualTo(roundsBefore);
    }

    @Test
    void theRoundPageShowsTheWinRateWithItsWilsonIntervalAndAiFeedbackApart() throws Exception {
        OpenRound open = openRound("results");
        long prompt = open.prompt();
        long sft = open.sft();
        long ppo = open.ppo();
        long round = open.id();
        long person = account("judge");
        long excluded = account("excluded");
        jdbc.sql("UPDATE app_user SET labels_excluded = TRUE WHERE id = :id")
                .param("id", excluded)
                .update();
        long ai = jdbc.sql("SELECT id FROM app_user WHERE username = 'ai-labeler'")
                .query(Long.class)
                .single();
        // Seen from the candidate (ppo): 6 wins, 2 losses, 1 tie, 1 both bad = 7 of 10. Sides alternate, as the
        // evaluation run randomises which model is A.
        List<String> fromCandidate =
                List.of("WIN", "WIN", "WIN", "WIN", "WIN", "WIN", "LOSS", "LOSS", "TIE", "BOTH_BAD");
        for (int i = 0; i < fromCandidate.size(); i++) {
            boolean candidateIsA = i % 2 == 0;
            long task = task(round, prompt, candidateIsA ? ppo : sft, candidateIsA ? sft : ppo);
            String outcome = fromCandidate.get(i);
            String preferred = switch (outcome) {
                case "WIN" -> candidateIsA ? "A" : "B";
                case "LOSS" -> candidateIsA ? "B" : "A";
                default -> outcome;
            };
            judge(task, person, preferred, "HUMAN");
            if (i == 0) {
                judge(task, excluded, "B", "HUMAN"); // a loss that must not count
                judge(task, ai, "B", "AI"); // AI feedback: a loss, counted apart
            }
        }

        mvc.perform(get("/engineer/evaluations/" + round).with(ENGINEER))
                .andExpect(status().isOk())
                // Wilson 95 % for 7/10: centre 0.6445, margin 0.2477.
                .andExpect(content().string(containsString("70.0 %")))
                .andExpect(content().string(containsString("95 % CI 39.7–89.2 %")))
                .andExpect(content().string(containsString("AI feedback")))
                .andExpect(content().string(containsString("Wilson score interval")));
        mvc.perform(get("/api/engineer/evaluations/" + round).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.human.winRate").value(0.7))
                .andExpect(jsonPath("$.human.counts.aWins").value(6))
                .andExpect(jsonPath("$.human.counts.bWins").value(2))
                .andExpect(jsonPath("$.human.counts.ties").value(1))
                .andExpect(jsonPath("$.human.counts.bothBad").value(1))
                .andExpect(jsonPath("$.ai.counts.bWins").value(1))
                .andExpect(jsonPath("$.ai.winRate").value(0.0));

        String overview = mvc.perform(get("/api/engineer/evaluations").with(ENGINEER))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        JsonNode ratings = json.readTree(overview).get("ratings").get("ratings");
        double ppoElo = Double.NaN;
        double sftElo = Double.NaN;
        for (JsonNode rating : ratings) {
            if (rating.get("checkpointId").asLong() == ppo)
                ppoElo = rating.get("elo").asDouble();
            if (rating.get("checkpointId").asLong() == sft)
                sftElo = rating.get("elo").asDouble();
        }
        // Only these two ever met, so their difference is the two-player fit: 7 to 3 -> 400 log10(7/3).
        assertThat(ppoElo - sftElo).isCloseTo(147.19, org.assertj.core.api.Assertions.within(0.01));
        mvc.perform(get("/engineer/evaluations").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"flag-chart\"")))
                .andExpect(content().string(containsString("evaluation-charts.js")));
    }

    @Test
    void metadataLabelRatesArePerModel() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 1, 0, 0);
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id) VALUES (:p) RETURNING id")
                .param("p", prompt)
                .query(Long.class)
                .single();
        long[] candidates = new long[4];
        for (int i = 0; i < 4; i++) {
            candidates[i] = jdbc.sql("""
                            INSERT INTO ranking_candidate (task_id, position, text, model_checkpoint_id)
                            VALUES (:t, :pos, :text, :m) RETURNING id""")
                    .param("t", task)
                    .param("pos", i)
                    .param("text", "output " + i)
                    .param("m", sft)
                    .query(Long.class)
                    .single();
        }
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, display_order) VALUES (:t, :l, '[]') RETURNING id""")
                .param("t", task)
                .param("l", account("ranker"))
                .query(Long.class)
                .single();
        for (int i = 0; i < 4; i++) {
            jdbc.sql("""
                            INSERT INTO ranking_entry (ranking_id, candidate_id, rank, likert, hallucination)
                            VALUES (:r, :c, :rank, :likert, :h)""")
                    .param("r", ranking)
                    .param("c", candidates[i])
                    .param("rank", i + 1)
                    .param("likert", 7 - i)
                    .param("h", i == 3)
                    .update();
        }

        JsonNode labels = json.readTree(
                        mvc.perform(get("/api/engineer/evaluations").with(ENGINEER))
                                .andReturn()
                                .getResponse()
                                .getContentAsString())
                .get("labels");
        JsonNode mine = null;
        for (JsonNode model : labels) {
            if (model.get("checkpointId").asLong() == sft) mine = model;
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("rankedOutputs").asLong()).isEqualTo(4);
        assertThat(mine.get("flagRates").get("HALLUCINATION").asDouble()).isEqualTo(0.25);
        assertThat(mine.get("flagRates").get("FAILS_INSTRUCTION").asDouble()).isZero();
        assertThat(mine.get("meanLikertRankings").asDouble()).isEqualTo(5.5); // (7 + 6 + 5 + 4) / 4
    }

    @Test
    void labelersCannotSeeOrStartEvaluations() throws Exception {
        RequestPostProcessor labeler = user("some-labeler").roles("LABELER");
        mvc.perform(get("/engineer/evaluations").with(labeler)).andExpect(status().isForbidden());
        mvc.perform(get("/api/engineer/evaluations").with(labeler)).andExpect(status().isForbidden());
        mvc.perform(post("/engineer/evaluations").with(labeler).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/api/engineer/evaluations")
                        .with(labeler)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isForbidden());
    }

    @Test
    void theFormStartsARoundAndLandsOnItsPage() throws Exception {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 0, 0, 2);
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long ppo = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "READY", "/nowhere");

        mvc.perform(post("/engineer/evaluations")
                        .with(ENGINEER)
                        .with(csrf())
                        .param("name", "form round " + ppo)
                        .param("candidateId", String.valueOf(ppo))
                        .param("baselineId", String.valueOf(sft))
                        .param("datasetId", String.valueOf(dataset))
                        .param("split", "TEST")
                        .param("promptCount", "2")
                        .param("labelsWanted", "1")
                        .param("feedbackSource", "HUMAN")
                        .param("sampling[temperature]", "1"))
                .andExpect(redirectedUrlPattern("/engineer/evaluations/*"));
        mvc.perform(get("/engineer/evaluations").with(ENGINEER))
                .andExpect(content().string(containsString("form round " + ppo)));
    }

    private long rounds() {
        return jdbc.sql("SELECT count(*) FROM label_round").query(Long.class).single();
    }

    private long account(String prefix) {
        return jdbc.sql("""
                        INSERT INTO app_user (username, display_name, password_hash) VALUES (:u, :u, '!test')
                        RETURNING id""")
                .param("u", prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
                .query(Long.class)
                .single();
    }

    /** An OPEN evaluation round of PPO (A) against SFT (B) on a one-prompt dataset, without tasks yet. */
    private record OpenRound(long id, long prompt, long sft, long ppo) {}

    private OpenRound openRound(String name) {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 0, 0, 1);
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long ppo = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "READY", "/nowhere");
        long round = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, policy_checkpoint_id, baseline_checkpoint_id,
                                                 status, split, prompt_count)
                        VALUES (:d, 'EVALUATION', :name, :ppo, :sft, 'OPEN', 'TEST', 1) RETURNING id""")
                .param("d", dataset)
                .param("name", name + " " + UUID.randomUUID())
                .param("ppo", ppo)
                .param("sft", sft)
                .query(Long.class)
                .single();
        return new OpenRound(round, prompt, sft, ppo);
    }

    private long task(long round, long prompt, long modelA, long modelB) {
        return jdbc.sql("""
                        INSERT INTO comparison_task (prompt_id, round_id, model_a_id, model_b_id, output_a, output_b)
                        VALUES (:p, :r, :a, :b, 'left', 'right') RETURNING id""")
                .param("p", prompt)
                .param("r", round)
                .param("a", modelA)
                .param("b", modelB)
                .query(Long.class)
                .single();
    }

    @Test
    void aRoundWithEveryPairJudgedShowsAsCompleteAndTheAiHeadingIsNotDoubled() throws Exception {
        OpenRound open = openRound("complete");
        long prompt = open.prompt();
        long sft = open.sft();
        long ppo = open.ppo();
        long round = open.id();
        long first = task(round, prompt, ppo, sft);
        long second = task(round, prompt, sft, ppo);
        // As the queue leaves a task with all the judgements it wants.
        jdbc.sql("UPDATE comparison_task SET status = 'COMPLETE' WHERE id = :t")
                .param("t", first)
                .update();

        mvc.perform(get("/api/engineer/evaluations/" + round).with(ENGINEER))
                .andExpect(jsonPath("$.round.status").value("OPEN"));

        jdbc.sql("UPDATE comparison_task SET status = 'COMPLETE' WHERE id = :t")
                .param("t", second)
                .update();

        mvc.perform(get("/api/engineer/evaluations/" + round).with(ENGINEER))
                .andExpect(jsonPath("$.round.status").value("COMPLETE"));
        mvc.perform(get("/engineer/evaluations/" + round).with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<td>COMPLETE</td>")))
                .andExpect(content()
                        .string(org.hamcrest.Matchers.not(containsString("AI feedback <mark>AI feedback</mark>"))));
    }

    private void judge(long task, long labeler, String preferred, String source) {
        jdbc.sql("""
                        INSERT INTO comparison_judgement (task_id, labeler_id, feedback_source, a_shown_first, preferred)
                        VALUES (:t, :l, :s, TRUE, :p)""")
                .param("t", task)
                .param("l", labeler)
                .param("s", source)
                .param("p", preferred)
                .update();
    }
}
