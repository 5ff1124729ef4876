package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.training.BaseModel;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.crowd.Crowd;
import org.instructforge.training.experiment.World;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forge crowd} against labeling-web as its users meet it (the packaged jar on this service's database, as
 * {@link LabelingWebProcessTest} starts it for both): the admin imports the demo world's prompts, uploads candidates to rank and asks
 * for an evaluation round; two simulated labelers, whose accounts the crowd makes through the admin API and the
 * invitation page, label until the queue is empty; the labels are read back through the export API.
 */
class CrowdTest extends LabelingWebProcessTest {

    static final int PROMPTS = 30;
    static final long SEED = 17;

    @Test
    void twoSimulatedLabelersLabelTheImportedWorldThroughThePublicApi() throws Exception {
        List<Task> world = World.tasks(PROMPTS, SEED);
        long dataset = importWorld(world);
        List<Long> ranked = uploadCandidates(dataset, world);
        int comparisons = evaluationRound(dataset);
        long trainAndValid = count("SELECT count(*) FROM prompt p WHERE dataset_id = " + dataset
                + " AND split IN ('TRAIN', 'VALID') AND prompt_usable(p)");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Crowd.Summary summary = new Crowd(
                        new Crowd.Settings(
                                URI.create(web.base() + "/"),
                                ADMIN,
                                ADMIN + "-demo",
                                2,
                                0.73,
                                0.5,
                                Duration.ofMillis(5),
                                Duration.ofMinutes(3),
                                PROMPTS,
                                SEED,
                                "crowdtest"),
                        world,
                        new PrintStream(log, true, StandardCharsets.UTF_8))
                .run();

        assertThat(summary.errors()).isEmpty();
        assertThat(summary.stoppedBy()).isEqualTo("queue empty");
        assertThat(summary.perLabeler()).hasSize(2);
        assertThat(summary.perLabeler().values()).allMatch(n -> n > 0); // both took work
        // Every label of this dataset landed, read back through the export API (other tests' tasks may share the
        // queue, so the crowd's own counts are at least these).
        List<JsonNode> demonstrations = export("sft", dataset);
        List<JsonNode> rankings = export("rankings", dataset);
        assertThat(demonstrations).hasSize((int) trainAndValid);
        assertThat(rankings).hasSize(ranked.size());
        assertThat(summary.labels().get("DEMONSTRATION")).isGreaterThanOrEqualTo(trainAndValid);
        assertThat(summary.labels().get("RANKING")).isGreaterThanOrEqualTo(ranked.size());
        assertThat(summary.labels().get("COMPARISON")).isGreaterThanOrEqualTo(comparisons);
        assertThat(count("SELECT count(*) FROM comparison_judgement j JOIN comparison_task t ON t.id = j.task_id"
                        + " JOIN prompt p ON p.id = t.prompt_id JOIN app_user u ON u.id = j.labeler_id"
                        + " WHERE p.dataset_id = " + dataset + " AND u.username LIKE 'crowdtest-%'"))
                .isEqualTo(comparisons);
        // Every candidate ranked and scored on the 1-7 scale.
        for (JsonNode ranking : rankings) {
            assertThat(ranking.path("candidates")).hasSize(4);
            ranking.path("candidates").forEach(c -> {
                assertThat(c.path("rank").asInt()).isBetween(1, 4);
                assertThat(c.path("likert").asInt()).isBetween(1, 7);
            });
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("created 2 labeler accounts");
        summary.print(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("tasks/s", "errors: none", "demonstration");
    }

    /** A dataset with the world's prompts imported through the admin API, as {@code forge world prompts} writes them. */
    private long importWorld(List<Task> world) throws Exception {
        long dataset = web.dataset("crowd-" + System.nanoTime(), "CrowdTest", 0.6, 0.1, 0.3);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < world.size(); i++) {
            jsonl.append(World.importLine(world.get(i), i)).append('\n');
        }
        JsonNode imported = ok(web.postRaw(
                ADMIN,
                "/api/admin/datasets/" + dataset + "/imports?wait=true&format=JSONL&fileName=world.jsonl",
                "application/x-ndjson",
                jsonl.toString()));
        assertThat(imported.path("promptsAdded").asInt()).isEqualTo(PROMPTS);
        return dataset;
    }

    /** Candidates for four TRAIN prompts: the world's ideal answer, its mistakes, an abstention (K = 4). */
    private List<Long> uploadCandidates(long dataset, List<Task> world) throws Exception {
        Map<String, Task> byPrompt = new LinkedHashMap<>();
        world.forEach(t -> byPrompt.put(t.prompt(), t));
        List<Long> prompts = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (var row : jdbc.sql(
                        "SELECT id, text FROM prompt p WHERE dataset_id = :d AND split = 'TRAIN' AND prompt_usable(p) ORDER BY id LIMIT 4")
                .param("d", dataset)
                .query()
                .listOfRows()) {
            Task task = byPrompt.get((String) row.get("text"));
            List<String> outputs = new ArrayList<>();
            outputs.add(task.reference());
            task.mistakes().stream().filter(m -> !outputs.contains(m)).limit(2).forEach(outputs::add);
            for (String filler : List.of("I am not sure.", "zzz qqq", "Sorry, I can't help with that.")) {
                if (outputs.size() < 4 && !outputs.contains(filler)) {
                    outputs.add(filler);
                }
            }
            long id = ((Number) row.get("id")).longValue();
            prompts.add(id);
            jsonl.append(LabelingWebProcess.json(Map.of(
                            "prompt_id",
                            id,
                            "outputs",
                            outputs.stream()
                                    .map(o -> Map.of("text", o, "model", "world"))
                                    .toList())))
                    .append('\n');
        }
        assertThat(prompts).hasSize(4);
        ok(web.postRaw(
                ADMIN, "/api/admin/datasets/" + dataset + "/candidates", "application/x-ndjson", jsonl.toString()));
        return prompts;
    }

    /** An evaluation round of the base model against itself registered twice; the worker writes its comparisons. */
    private int evaluationRound(long dataset) throws Exception {
        long base = count("SELECT id FROM model_checkpoint WHERE kind = 'BASE' AND status = 'READY' AND name = 'base'");
        long other = new LoopFixtures(jdbc).checkpoint("crowd-baseline", "SFT", BaseModel.dir());
        int prompts = (int) Math.min(
                3,
                count("SELECT count(*) FROM prompt p WHERE dataset_id = " + dataset
                        + " AND split = 'TEST' AND prompt_usable(p)"));
        assertThat(prompts).isPositive();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidateId", other);
        body.put("baselineId", base);
        body.put("datasetId", dataset);
        body.put("split", "TEST");
        body.put("promptCount", prompts);
        body.put("labelsWanted", 1);
        body.put("feedbackSource", "HUMAN");
        body.put("sampling", Map.of("temperature", "1", "maxNewTokens", "8", "seed", "3"));
        // Only this test's run is queued, so the worker's next claim is it (other tests leave runs behind).
        jdbc.sql("UPDATE training_run SET status = 'CANCELLED', finished_at = now() WHERE status = 'QUEUED'")
                .update();
        ok(web.post(ENGINEER, "/api/engineer/evaluations", body));
        long run = count("SELECT max(id) FROM training_run WHERE run_type = 'EVALUATION'");
        assertThat(worker.runOnce()).contains(run);
        return prompts;
    }

    private List<JsonNode> export(String kind, long dataset) throws Exception {
        LabelingWebProcess.Answer answer = web.get(ENGINEER, "/api/exports/" + kind + ".jsonl?dataset=" + dataset);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonMapper json = JsonMapper.builder().build();
        return answer.body()
                .lines()
                .filter(l -> !l.isBlank())
                .map(json::readTree)
                .toList();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private JsonNode ok(LabelingWebProcess.Answer answer) {
        return web.ok(answer);
    }
}
