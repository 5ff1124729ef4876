package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.rlhf.TinyModels;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.RunControl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The training service's worker on the real schema: claims, trains and registers, reports live, cancels, survives a
 * dead worker, and writes the next labeling round and evaluation tasks. Runs on the shipped base model with a few
 * steps each.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"instructforge.runs.heartbeat-interval=200ms", "instructforge.runs.stale-after=30s"})
class RunWorkerTest {

    /** SFT small enough for a test: 7 training demonstrations, batches of 4, a checkpoint every 2 steps. */
    static final String SMALL_SFT =
            "{\"epochs\":2,\"batchSize\":4,\"evalEvery\":2,\"checkpointEvery\":2,\"maxResponseTokens\":16}";

    @Autowired
    RunWorker worker;

    @Autowired
    RunQueue queue;

    @Autowired
    RunFence fence;

    @Autowired
    TrainingJobs trainingJobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RunsProperties properties;

    @Autowired
    TrainingMetrics metrics;

    @Autowired
    CheckpointRegistry registry;

    LoopFixtures fixtures;

    @BeforeEach
    void onlyThisTestsRunsAreQueued() {
        fixtures = new LoopFixtures(jdbc);
        fixtures.cancelOpenRuns();
    }

    @Test
    void workersSharingTheQueueNeverClaimOneRunTwice() throws Exception {
        long dataset = fixtures.dataset();
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            runs.add(fixtures.run("SFT", "{}", dataset, null, null, null));
        }
        var claims = new ConcurrentHashMap<Long, String>();
        var duplicates = new ConcurrentHashMap<Long, String>();
        var pool = Executors.newFixedThreadPool(6);
        var go = new CountDownLatch(1);
        for (int w = 0; w < 6; w++) {
            String name = "worker-" + w;
            pool.submit(() -> {
                go.await();
                for (Optional<ClaimedRun> c = queue.claim(name); c.isPresent(); c = queue.claim(name)) {
                    if (claims.putIfAbsent(c.get().id(), name) != null) {
                        duplicates.put(c.get().id(), name);
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(duplicates).isEmpty();
        assertThat(claims.keySet()).containsExactlyInAnyOrderElementsOf(runs);
        assertThat(jdbc.sql("SELECT count(*) FROM training_run WHERE id IN (:ids) AND status = 'RUNNING'"
                                + " AND attempts = 1 AND worker_id LIKE 'worker-%'")
                        .param("ids", runs)
                        .query(Long.class)
                        .single())
                .isEqualTo(12L);
    }

    @Test
    void sftRunTrainsOnSubmittedDemonstrationsAndRegistersItsCheckpointWithLineage() throws Exception {
        long base = fixtures.baseCheckpoint();
        long run = fixtures.run("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), base, null, null);

        assertThat(worker.runOnce()).contains(run);

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        var row = jdbc.sql("SELECT progress, current_step, total_steps, output_checkpoint_id, attempts"
                        + " FROM training_run WHERE id = :id")
                .param("id", run)
                .query()
                .singleRow();
        assertThat(row.get("progress")).isEqualTo(1.0);
        assertThat(row.get("total_steps")).isEqualTo(4); // 2 epochs x ceil(7 / 4)
        assertThat(row.get("current_step")).isEqualTo(4);
        long output = ((Number) row.get("output_checkpoint_id")).longValue();
        var checkpoint = jdbc.sql("SELECT kind, status, parent_id, storage_path, sha256, size_bytes, metrics::text,"
                        + " architecture, parameter_count FROM model_checkpoint WHERE id = :id")
                .param("id", output)
                .query()
                .singleRow();
        assertThat(checkpoint.get("kind")).isEqualTo("SFT");
        assertThat(checkpoint.get("status")).isEqualTo("READY");
        assertThat(((Number) checkpoint.get("parent_id")).longValue()).isEqualTo(base);
        assertThat((String) checkpoint.get("metrics")).contains("best_validation_loss");
        // Its shape is recorded for the dashboard's memory estimate.
        assertThat(checkpoint.get("architecture")).isEqualTo("gpt2");
        assertThat(((Number) checkpoint.get("parameter_count")).longValue())
                .isEqualTo(org.instructforge.training.model.ModelArchitectures.readConfig(
                                org.instructforge.training.BaseModel.dir())
                        .shape()
                        .parameters());
        Path dir = Path.of((String) checkpoint.get("storage_path"));
        assertThat(dir).startsWith(properties.checkpointDir());
        assertThat(dir.resolve("model.safetensors")).isRegularFile();
        assertThat(dir.resolve("tokenizer.json")).isRegularFile();
        assertThat(dir.resolve("SHA256SUMS")).isRegularFile();
        assertThat(dir.resolve("optimizer.safetensors")).doesNotExist(); // resume state stays with the run
        assertThat((String) checkpoint.get("sha256")).hasSize(64);
        assertThat(metricSteps(run, "sft/loss")).containsExactly(1, 2, 3, 4);
        assertThat(metricSteps(run, "sft/validation_loss")).isNotEmpty();
        assertThat(fixtures.log(run))
                .anyMatch(l -> l.startsWith("INFO Started by worker"))
                .anyMatch(l -> l.contains("SFT on 7 demonstrations, validating on 1"))
                .anyMatch(l -> l.startsWith("INFO Registered checkpoint"))
                .anyMatch(l -> l.equals("INFO Succeeded"));
    }

    @Test
    void aRunWhoseWorkerDiedResumesFromItsLastCheckpointOnAnotherWorker() throws Exception {
        long run = fixtures.run(
                "SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint(), null, null);
        // A worker claims the run, checkpoints step 2 and dies before step 3 (no finish, no release).
        dieBefore(run, 3);

        assertThat(worker.runOnce()).contains(run);

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT attempts FROM training_run WHERE id = :id")
                        .param("id", run)
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
        assertThat(fixtures.log(run))
                .anyMatch(l -> l.startsWith("WARN Worker dead-worker stopped while running this run; it is queued"))
                .anyMatch(l ->
                        l.equals("INFO Attempt 2 resumes from a verified copy of attempt-1/checkpoints/step-000002"))
                .anyMatch(l -> l.contains("Resumed sft from its checkpoint at step 2 (attempt 2)"))
                .anyMatch(l -> l.equals("INFO Succeeded"));
        assertThat(metricSteps(run, "sft/loss")).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aStaleAttemptsLateStepCheckpointNeverReachesTheResumeStateOfTheAttemptsAfterIt() throws Exception {
        long run = fixtures.run(
                "SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint(), null, null);
        dieBefore(run, 3); // attempt 1 checkpoints step 2, then goes quiet (paused, presumed dead)
        worker.recover(null);
        ClaimedRun second = queue.claim("second-worker").orElseThrow();
        assertThat(second.attempt()).isEqualTo(2);
        Path runDir = properties.checkpointDir().resolve("runs").resolve(second.folderName());
        Path firstSteps = runDir.resolve("attempt-1").resolve(Checkpoints.FOLDER);
        Path secondSteps = runDir.resolve("attempt-2").resolve(Checkpoints.FOLDER);
        // While attempt 2 trains step 3, attempt 1 comes back and finishes writing a (sealed, but unloadable)
        // checkpoint of step 4, as a trainer still mid-step would; then attempt 2 dies before step 4.
        RunControl staleWriteThenDie = step -> {
            if (step == 2) {
                try {
                    Checkpoints.writeAtomically(
                            Checkpoints.stepDir(firstSteps, 4),
                            tmp -> Files.writeString(tmp.resolve("model.safetensors"), "attempt 1, late"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return step >= 3;
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            var reporter = new RunReporter(jdbc, fence, queue, second, metrics);
            assertThat(trainingJobs.run(second, reporter, staleWriteThenDie, manager))
                    .isNull();
        }
        // Attempt 2's state is its verified copy of attempt 1's step 2, untouched by the late write.
        assertThat(Checkpoints.stepDirs(secondSteps)).containsExactly(Checkpoints.stepDir(secondSteps, 2));
        Checkpoints.verify(Checkpoints.stepDir(secondSteps, 2));
        assertThat(Files.readAllBytes(Checkpoints.stepDir(secondSteps, 2).resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(Checkpoints.stepDir(firstSteps, 2).resolve("model.safetensors")));
        assertThat(Checkpoints.latest(firstSteps)).contains(Checkpoints.stepDir(firstSteps, 4));
        jdbc.sql("UPDATE training_run SET heartbeat_at = now() - interval '10 minutes' WHERE id = :id")
                .param("id", run)
                .update();

        // Attempt 3 resumes from attempt 2 (the latest attempt with a checkpoint), not from attempt 1's later step.
        assertThat(worker.runOnce()).contains(run);

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        assertThat(fixtures.log(run))
                .anyMatch(l ->
                        l.equals("INFO Attempt 3 resumes from a verified copy of attempt-2/checkpoints/step-000002"))
                .anyMatch(l -> l.contains("Resumed sft from its checkpoint at step 2 (attempt 3)"))
                .noneMatch(l -> l.contains("step-000004"));
        assertThat(metricSteps(run, "sft/loss")).containsExactly(1, 2, 3, 4);
        assertThat(Files.readString(Checkpoints.stepDir(firstSteps, 4).resolve("model.safetensors")))
                .isEqualTo("attempt 1, late"); // no later attempt writes into an earlier attempt's folder
    }

    @Test
    void aRunThatKeepsLosingItsWorkerFailsAndItsHalfWrittenCheckpointIsNeverListed(@TempDir Path dir) {
        long run = fixtures.run("SFT", SMALL_SFT, fixtures.dataset(), fixtures.baseCheckpoint(), null, null);
        jdbc.sql("""
                        UPDATE training_run SET status = 'RUNNING', worker_id = 'dead-worker', attempts = 3,
                               heartbeat_at = now() - interval '10 minutes' WHERE id = :id""").param("id", run).update();
        long halfWritten = jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path, training_run_id)
                        VALUES (:n, 'SFT', 'WRITING', :p, :run) RETURNING id""")
                .param("n", "half-" + fixtures.tag)
                .param("p", dir.toString())
                .param("run", run)
                .query(Long.class)
                .single();

        assertThat(worker.runOnce()).isEmpty();

        assertThat(fixtures.status(run)).isEqualTo("FAILED");
        assertThat(jdbc.sql("SELECT error_message FROM training_run WHERE id = :id")
                        .param("id", run)
                        .query(String.class)
                        .single())
                .isEqualTo("Worker dead-worker stopped while running it, 3 time(s); gave up");
        assertThat(jdbc.sql("SELECT status FROM model_checkpoint WHERE id = :id")
                        .param("id", halfWritten)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED");
    }

    @Test
    void aRestartedWorkerRequeuesTheRunItHeldAtOnce() {
        long run = fixtures.run("SFT", SMALL_SFT, fixtures.dataset(), fixtures.baseCheckpoint(), null, null);
        jdbc.sql("UPDATE training_run SET status = 'RUNNING', worker_id = :me, attempts = 1, heartbeat_at = now()"
                        + " WHERE id = :id")
                .param("me", properties.workerId())
                .param("id", run)
                .update();

        worker.recoverAfterRestart();

        assertThat(fixtures.status(run)).isEqualTo("QUEUED");
    }

    @Test
    void theShippedBaseModelIsRegisteredOnceAsAVerifiedCopy() throws Exception {
        worker.recoverAfterRestart();
        worker.recoverAfterRestart();

        var base = jdbc.sql("SELECT storage_path, sha256 FROM model_checkpoint WHERE name = 'base' AND kind = 'BASE'"
                        + " AND status = 'READY'")
                .query()
                .listOfRows();
        assertThat(base).hasSize(1);
        Path copy = Path.of((String) base.get(0).get("storage_path"));
        assertThat(copy).isNotEqualTo(org.instructforge.training.BaseModel.dir());
        org.instructforge.training.toolbox.Checkpoints.verify(copy);
        assertThat(base.get(0).get("sha256"))
                .isEqualTo(org.instructforge.training.toolbox.Checkpoints.sha256(
                        org.instructforge.training.BaseModel.dir().resolve("model.safetensors")));
    }

    @Test
    void cancelFromTheDashboardStopsTheRunAtAStepBoundary() throws Exception {
        long run = fixtures.run(
                "SFT",
                "{\"epochs\":200,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":1000}",
                fixtures.datasetWithDemonstrations(),
                fixtures.baseCheckpoint(),
                null,
                null);
        var running = CompletableFuture.supplyAsync(worker::runOnce);
        await("run " + run + " passes step 2")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> currentStep(run) >= 2);
        jdbc.sql("UPDATE training_run SET status = 'CANCEL_REQUESTED' WHERE id = :id")
                .param("id", run)
                .update();

        assertThat(running.get(120, TimeUnit.SECONDS)).contains(run);
        assertThat(fixtures.status(run)).isEqualTo("CANCELLED");
        assertThat(currentStep(run)).isBetween(2, 399);
        assertThat(fixtures.log(run)).anyMatch(l -> l.startsWith("INFO Cancelled by an engineer"));
        assertThat(jdbc.sql("SELECT count(*) FROM model_checkpoint WHERE training_run_id = :id")
                        .param("id", run)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aBusyWorkersRunHeartbeatKeepsItsDeviceCountedWhileACrashedWorkersRowStopsCounting() throws Exception {
        long run = fixtures.run(
                "SFT",
                "{\"epochs\":200,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":1000}",
                fixtures.datasetWithDemonstrations(),
                fixtures.baseCheckpoint(),
                null,
                null);
        String crashed = "crashed-" + fixtures.tag;
        jdbc.sql("""
                        INSERT INTO training_worker (worker_id, device_kind, device_name, memory_bytes,
                                                     stale_after_seconds, seen_at)
                        VALUES (:w, 'GPU', 'gpu(0)', 1, 60, now() - interval '61 seconds')""").param("w", crashed).update();
        var running = CompletableFuture.supplyAsync(worker::runOnce);
        try {
            await("run " + run + " passes step 1")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> currentStep(run) >= 1);
            // Busy with the run, the worker does not poll: only the run's heartbeat can say it is alive.
            jdbc.sql("UPDATE training_worker SET seen_at = now() - interval '10 minutes' WHERE worker_id = :w")
                    .param("w", properties.workerId())
                    .update();
            assertThat(isLive(properties.workerId())).isFalse();

            await("the heartbeat refreshes the busy worker's row")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> isLive(properties.workerId()));
            assertThat(jdbc.sql("SELECT stale_after_seconds FROM training_worker WHERE worker_id = :w")
                            .param("w", properties.workerId())
                            .query(Integer.class)
                            .single())
                    .isEqualTo(30); // this test's instructforge.runs.stale-after
            assertThat(isLive(crashed)).isFalse();
        } finally {
            jdbc.sql("UPDATE training_run SET status = 'CANCEL_REQUESTED' WHERE id = :id")
                    .param("id", run)
                    .update();
            running.get(120, TimeUnit.SECONDS);
            jdbc.sql("DELETE FROM training_worker WHERE worker_id = :w")
                    .param("w", crashed)
                    .update();
        }
        assertThat(fixtures.status(run)).isEqualTo("CANCELLED");
    }

    private boolean isLive(String workerId) {
        return jdbc.sql("SELECT count(*) FROM live_training_worker WHERE worker_id = :w")
                        .param("w", workerId)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /** DPO small enough for a test: 7 training rankings, batches of 4 prompts, a checkpoint every step. */
    static final String SMALL_DPO = "{\"batchSize\":4,\"evalEvery\":1,\"checkpointEvery\":1,\"maxResponseTokens\":8,"
            + "\"beta\":0.5,\"loss\":\"ipo\",\"referenceFree\":false}";

    @Test
    void dpoRunTrainsOnTheRankingsAndRegistersAPolicyWhoseReferenceIsItsStart(@TempDir Path dir) throws Exception {
        long sft = fixtures.checkpoint("sft", "SFT", TinyModels.random(dir.resolve("sft"), 11, false));
        long run = fixtures.run("DPO", SMALL_DPO, fixtures.datasetWithRankings(), sft, null, null);

        assertThat(worker.runOnce()).contains(run);

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        assertThat(currentStep(run)).isEqualTo(2); // 1 epoch x ceil(7 / 4)
        var checkpoint = jdbc.sql("""
                        SELECT c.kind, c.status, c.parent_id, c.reference_policy_id, c.reward_model_id,
                               c.storage_path, c.metrics::text AS metrics
                        FROM training_run r JOIN model_checkpoint c ON c.id = r.output_checkpoint_id
                        WHERE r.id = :id""").param("id", run).query().singleRow();
        assertThat(checkpoint.get("kind")).isEqualTo("DPO");
        assertThat(checkpoint.get("status")).isEqualTo("READY");
        assertThat(((Number) checkpoint.get("parent_id")).longValue()).isEqualTo(sft);
        assertThat(((Number) checkpoint.get("reference_policy_id")).longValue()).isEqualTo(sft);
        assertThat(checkpoint.get("reward_model_id")).isNull();
        assertThat((String) checkpoint.get("metrics")).contains("validation_accuracy", "validation_reward_margin");
        assertThat(Path.of((String) checkpoint.get("storage_path")).resolve("model.safetensors"))
                .isRegularFile();
        assertThat(metricSteps(run, "dpo/loss")).containsExactly(1, 2);
        assertThat(metricSteps(run, "dpo/validation_accuracy")).containsExactly(1, 2);
        // Each prompt's 4 outputs ranked 1, 2, 2, 3: C(4,2) = 6 pairs less the one tie.
        assertThat(jdbc.sql("SELECT value FROM training_metric WHERE run_id = :id AND name = 'dpo/pairs'"
                                + " ORDER BY step")
                        .param("id", run)
                        .query(Double.class)
                        .list())
                .containsExactly(20.0, 15.0);
        assertThat(fixtures.log(run))
                .anyMatch(l -> l.contains(
                        "DPO (ipo, beta 0.5, reference sft-" + fixtures.tag + ") on 7 rankings, validating on 1"))
                .anyMatch(l -> l.equals("INFO Succeeded"));
    }

    @Test
    void aDpoRunWhoseWorkerDiedResumesFromItsLastCheckpoint(@TempDir Path dir) throws Exception {
        long sft = fixtures.checkpoint("sft", "SFT", TinyModels.random(dir.resolve("sft"), 12, false));
        long run = fixtures.run("DPO", SMALL_DPO, fixtures.datasetWithRankings(), sft, null, null);
        dieBefore(run, 1);

        assertThat(worker.runOnce()).contains(run);

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        assertThat(fixtures.log(run)).anyMatch(l -> l.contains("Resumed dpo from its checkpoint at step 1"));
        assertThat(metricSteps(run, "dpo/loss")).containsExactly(1, 2);
    }

    @Test
    void aDpoRunWithoutRankingsFailsWithAClearMessage(@TempDir Path dir) throws Exception {
        long sft = fixtures.checkpoint("sft", "SFT", TinyModels.random(dir.resolve("sft"), 13, false));
        long run = fixtures.run("DPO", SMALL_DPO, fixtures.datasetWithDemonstrations(), sft, null, null);

        worker.runOnce();

        assertThat(fixtures.status(run)).isEqualTo("FAILED");
        assertThat(fixtures.log(run))
                .contains("ERROR DPO needs at least two rankings (one to validate on); the selection has 0");
    }

    @Test
    void aRunWithoutTheDataItNeedsFailsWithAClearMessage() {
        long run = fixtures.run("SFT", SMALL_SFT, fixtures.dataset(), fixtures.baseCheckpoint(), null, null);

        worker.runOnce();

        assertThat(fixtures.status(run)).isEqualTo("FAILED");
        assertThat(fixtures.log(run))
                .contains("ERROR SFT needs at least two submitted demonstrations (one to validate on); the selected "
                        + "datasets have 0");
    }

    @Test
    void publishedPolicyWritesTheNextRankingRoundAndAnAiJudgeCanRankIt(@TempDir Path dir) throws Exception {
        long dataset = fixtures.dataset();
        for (String[] task : LoopFixtures.TASKS) {
            fixtures.prompt(dataset, task[0], "TRAIN");
        }
        long policy = fixtures.baseCheckpoint();
        long judge = fixtures.checkpoint("judge", "REWARD", TinyModels.random(dir.resolve("rm"), 5, true));
        long human = round(dataset, "RANKING", policy, null, null, "HUMAN", 3);
        long ai = round(dataset, "RANKING", policy, null, judge, "AI", 2);
        String sampling = "{\"seed\":3,\"temperature\":1,\"topP\":0.9,\"topK\":0,\"maxNewTokens\":8}";
        long humanRun = fixtures.run("CANDIDATES", sampling, dataset, policy, null, human);
        long aiRun = fixtures.run("CANDIDATES", sampling, dataset, policy, null, ai);

        worker.runOnce();
        worker.runOnce();

        assertThat(fixtures.status(humanRun)).isEqualTo("SUCCEEDED");
        assertThat(fixtures.status(aiRun)).isEqualTo("SUCCEEDED");
        assertThat(roundStatus(human)).isEqualTo("OPEN");
        assertThat(count("SELECT count(*) FROM ranking_task WHERE round_id = " + human + " AND status = 'OPEN'"))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ranking_candidate c JOIN ranking_task t ON t.id = c.task_id"
                        + " WHERE t.round_id = " + human + " AND c.model_checkpoint_id = " + policy
                        + " AND c.sampling->>'topP' = '0.9' AND c.sampling->>'seed' IS NOT NULL"))
                .isEqualTo(12); // K = 4 per prompt, each with its sampling settings
        assertThat(count("SELECT count(*) FROM ranking r JOIN ranking_task t ON t.id = r.task_id"
                        + " WHERE t.round_id = " + human))
                .isZero();
        // The AI round: every task ranked once by the AI labeler, marked as AI feedback, and complete.
        assertThat(count("SELECT count(*) FROM ranking r JOIN ranking_task t ON t.id = r.task_id"
                        + " JOIN app_user u ON u.id = r.labeler_id WHERE t.round_id = " + ai
                        + " AND r.feedback_source = 'AI' AND u.username = 'ai-labeler' AND t.status = 'COMPLETE'"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id"
                        + " JOIN ranking_task t ON t.id = r.task_id WHERE t.round_id = " + ai
                        + " AND e.rank BETWEEN 1 AND 4"))
                .isEqualTo(8);
    }

    @Test
    void evaluationRunAnswersHeldOutPromptsWithBothCheckpoints(@TempDir Path dir) throws Exception {
        long dataset = fixtures.dataset();
        for (String[] task : LoopFixtures.TASKS.subList(0, 3)) {
            fixtures.prompt(dataset, task[0], "TEST");
        }
        fixtures.prompt(dataset, "A training prompt, never evaluated on", "TRAIN");
        // Held-out prompts the privacy gate (prompt_usable, V027) keeps out of every round.
        long pending = fixtures.prompt(dataset, "Mail jane.doe@example.com the results", "TEST");
        long retired = fixtures.prompt(dataset, "A retired held-out prompt", "TEST");
        jdbc.sql("UPDATE prompt SET pii_status = 'PENDING_REVIEW' WHERE id = :p")
                .param("p", pending)
                .update();
        jdbc.sql("UPDATE prompt SET status = 'RETIRED' WHERE id = :p")
                .param("p", retired)
                .update();
        long a = fixtures.baseCheckpoint();
        long b = fixtures.checkpoint("tiny-sft", "SFT", TinyModels.random(dir.resolve("sft"), 7, false));
        long round = round(dataset, "EVALUATION", a, b, null, "HUMAN", 10);
        long run = fixtures.run(
                "EVALUATION", "{\"seed\":1,\"temperature\":0,\"maxNewTokens\":8}", dataset, a, null, round);

        worker.runOnce();

        assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
        assertThat(roundStatus(round)).isEqualTo("OPEN");
        assertThat(count("SELECT count(*) FROM comparison_task c JOIN prompt p ON p.id = c.prompt_id"
                        + " WHERE c.round_id = " + round + " AND p.split = 'TEST' AND c.model_a_id = " + a
                        + " AND c.model_b_id = " + b + " AND c.status = 'OPEN'"))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM comparison_task WHERE prompt_id IN (" + pending + ", " + retired + ")"))
                .isZero();
    }

    /**
     * A sampled byte 0x00 decodes to a NUL character (here through a SentencePiece-style byte fallback), which a text
     * column refuses: rounds store it as U+FFFD instead of failing the run.
     */
    @Test
    void anAnswerHoldingANulCharacterIsStoredWithTheReplacementCharacter() throws Exception {
        String answer;
        try (GptTokenizer tokenizer = GptTokenizer.load(Path.of(RunWorkerTest.class
                .getResource("/org/instructforge/training/model/llama-family/tiny-chat")
                .toURI()))) {
            answer = "a" + tokenizer.decode(new long[] {tokenizer.encode("\u0000")[1]}) + "b";
        }
        assertThat(answer).isEqualTo("a\u0000b");
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id) VALUES (:p) RETURNING id")
                .param("p", fixtures.prompt(fixtures.dataset(), "nul " + fixtures.tag, "TRAIN"))
                .query(Long.class)
                .single();
        String insert = "INSERT INTO ranking_candidate (task_id, position, text) VALUES (:t, :pos, :text)";
        assertThatThrownBy(() -> jdbc.sql(insert)
                        .param("t", task)
                        .param("pos", 0)
                        .param("text", answer)
                        .update())
                .isInstanceOf(DataAccessException.class);

        jdbc.sql(insert)
                .param("t", task)
                .param("pos", 1)
                .param("text", RoundJobs.storable(answer))
                .update();

        assertThat(jdbc.sql("SELECT text FROM ranking_candidate WHERE task_id = :t")
                        .param("t", task)
                        .query(String.class)
                        .single())
                .isEqualTo("a\uFFFDb");
    }

    @Test
    void aFailedGenerationRunLeavesItsRoundFailedNotHalfOpen() {
        long dataset = fixtures.dataset(); // no usable prompts at all: its one prompt waits for PII review
        jdbc.sql("UPDATE prompt SET pii_status = 'PENDING_REVIEW' WHERE id = :p")
                .param("p", fixtures.prompt(dataset, "Call me on +44 20 7946 0958", "TRAIN"))
                .update();
        long policy = fixtures.baseCheckpoint();
        long round = round(dataset, "RANKING", policy, null, null, "HUMAN", 5);
        long run = fixtures.run("CANDIDATES", "{}", dataset, policy, null, round);

        worker.runOnce();

        assertThat(fixtures.status(run)).isEqualTo("FAILED");
        assertThat(roundStatus(round)).isEqualTo("FAILED");
        assertThat(fixtures.log(run)).contains("ERROR Dataset " + dataset + " has no usable TRAIN prompts");
    }

    private long round(long dataset, String kind, long policy, Long baseline, Long judge, String source, int n) {
        return jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, policy_checkpoint_id, baseline_checkpoint_id,
                                                 judge_checkpoint_id, feedback_source, status, split, prompt_count,
                                                 outputs_per_prompt)
                        VALUES (:d, :kind, :name, :policy, :baseline, :judge, :source, 'GENERATING', :split, :n,
                                :k) RETURNING id""")
                .param("d", dataset)
                .param("kind", kind)
                .param("name", kind + "-" + fixtures.tag)
                .param("policy", policy)
                .param("baseline", baseline)
                .param("judge", judge)
                .param("source", source)
                .param("split", kind.equals("EVALUATION") ? "TEST" : "TRAIN")
                .param("n", n)
                .param("k", kind.equals("EVALUATION") ? null : 4)
                .query(Long.class)
                .single();
    }

    /** A worker claims the run, trains until before {@code step} and dies: no finish, no release, no heartbeat. */
    private void dieBefore(long run, int step) throws Exception {
        ClaimedRun claimed = queue.claim("dead-worker").orElseThrow();
        assertThat(claimed.id()).isEqualTo(run);
        try (NDManager manager = NDManager.newBaseManager()) {
            var reporter = new RunReporter(jdbc, fence, queue, claimed, metrics);
            assertThat(trainingJobs.run(claimed, reporter, RunControl.stopBefore(step), manager))
                    .isNull();
        }
        jdbc.sql("UPDATE training_run SET heartbeat_at = now() - interval '10 minutes' WHERE id = :id")
                .param("id", run)
                .update();
    }

    @Test
    void passesOverARunItsDeviceCannotHoldAndSaysWhyInTheRunsLogOnce() {
        long run = fixtures.run("SFT", SMALL_SFT, fixtures.dataset(), fixtures.baseCheckpoint(), null, null);
        long device = worker.device().memoryBytes();
        estimate(run, device + 1);

        assertThat(worker.runOnce()).isEmpty();
        assertThat(worker.runOnce()).isEmpty(); // a second poll writes nothing more
        // The log remembers it, not the worker: the same worker restarted says nothing more, another says it once.
        assertThat(new WorkerDevices(jdbc).noteTooLarge(properties.workerId(), worker.device()))
                .isEmpty();
        assertThat(new WorkerDevices(jdbc).noteTooLarge("other-" + fixtures.tag, worker.device()))
                .extracting(WorkerDevices.TooLarge::runId)
                .containsExactly(run);
        assertThat(new WorkerDevices(jdbc).noteTooLarge("other-" + fixtures.tag, worker.device()))
                .isEmpty();
        assertThat(fixtures.log(run))
                .filteredOn(l -> l.contains("other-" + fixtures.tag))
                .hasSize(1);
        jdbc.sql("DELETE FROM training_run_log WHERE run_id = :run AND message LIKE 'Worker other-%'")
                .param("run", run)
                .update();

        assertThat(fixtures.status(run)).isEqualTo("QUEUED");
        assertThat(fixtures.log(run))
                .singleElement()
                .asString()
                .contains(
                        "Worker " + properties.workerId() + " passes over this run",
                        "(" + (device + 1) + " bytes)",
                        "(" + device + " bytes) cannot hold it");
        // The worker's row tells the dashboard what it can hold.
        assertThat(jdbc.sql("SELECT memory_bytes FROM training_worker WHERE worker_id = :w")
                        .param("w", properties.workerId())
                        .query(Long.class)
                        .single())
                .isEqualTo(device);
    }

    @Test
    void claimsTheOldestRunThatFitsItsDeviceAndLeavesLargerOnesQueued() {
        long dataset = fixtures.dataset();
        long large = fixtures.run("SFT", "{}", dataset, null, null, null);
        estimate(large, 2_000);
        long small = fixtures.run("SFT", "{}", dataset, null, null, null);
        estimate(small, 1_000);
        long unestimated = fixtures.run("SFT", "{}", dataset, null, null, null);
        long onRay = fixtures.run("SFT", "{}", dataset, null, null, null);
        estimate(onRay, 5_000); // a Ray run trains on the cluster, not on this device
        jdbc.sql("UPDATE training_run SET executor = 'ray' WHERE id = :id")
                .param("id", onRay)
                .update();

        List<Long> claimed = new ArrayList<>();
        for (var c = queue.claim("small-device", 1_500); c.isPresent(); c = queue.claim("small-device", 1_500)) {
            claimed.add(c.get().id());
        }

        assertThat(claimed).containsExactly(small, unestimated, onRay);
        assertThat(fixtures.status(large)).isEqualTo("QUEUED");
        assertThat(queue.claim("large-device", 2_000)).map(ClaimedRun::id).contains(large);
    }

    @Test
    void checkpointsRegisteredBeforeTheirShapeWasRecordedGetItFromTheirConfig() throws Exception {
        long base = fixtures.baseCheckpoint(); // inserted as an old registry row: no shape

        registry.backfillShapes();

        var row = jdbc.sql("SELECT architecture, parameter_count, hidden_size, num_layers, max_positions"
                        + " FROM model_checkpoint WHERE id = :id")
                .param("id", base)
                .query()
                .singleRow();
        var shape = org.instructforge.training.model.ModelArchitectures.readConfig(
                        org.instructforge.training.BaseModel.dir())
                .shape();
        assertThat(row.get("architecture")).isEqualTo("gpt2");
        assertThat(((Number) row.get("parameter_count")).longValue()).isEqualTo(shape.parameters());
        assertThat(row.get("hidden_size")).isEqualTo(shape.hiddenSize());
        assertThat(row.get("num_layers")).isEqualTo(shape.layers());
        assertThat(row.get("max_positions")).isEqualTo(shape.maxPositions());
    }

    private void estimate(long run, long bytes) {
        jdbc.sql("UPDATE training_run SET memory_estimate_bytes = :bytes WHERE id = :id")
                .param("bytes", bytes)
                .param("id", run)
                .update();
    }

    private String roundStatus(long round) {
        return jdbc.sql("SELECT status FROM label_round WHERE id = :id")
                .param("id", round)
                .query(String.class)
                .single();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private int currentStep(long run) {
        return jdbc.sql("SELECT current_step FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Integer.class)
                .single();
    }

    private List<Integer> metricSteps(long run, String name) {
        return jdbc.sql("SELECT step FROM training_metric WHERE run_id = :id AND name = :name ORDER BY step")
                .param("id", run)
                .param("name", name)
                .query(Integer.class)
                .list();
    }
}
