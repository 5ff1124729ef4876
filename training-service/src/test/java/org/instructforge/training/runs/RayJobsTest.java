package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.instructforge.training.BaseModel;
import org.instructforge.training.engine.ComputeEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Runs whose executor is {@code ray}, on the real schema, against {@link FakeRayJobsApi}: a loopback server that
 * answers as the Ray Jobs REST API documents. No Ray cluster is involved; these tests prove the contract only.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"instructforge.runs.heartbeat-interval=200ms", "instructforge.runs.stale-after=30s"})
class RayJobsTest {

    /** Two epochs, so the bar's per-epoch steps become run steps 1..4. */
    static final String SMALL_SFT = "{\"epochs\":2,\"batchSize\":4,\"learningRate\":0.0002}";

    static final String BAR_EPOCH_0 = "Train step of epoch 0:  50%|#####     | 1/2 [00:01<00:01,  1.00it/s,"
            + " gpt_loss=2.5, lr=0.0002]\rTrain step of epoch 0: 100%|##########| 2/2 [00:02<00:00,  1.00it/s,"
            + " gpt_loss=2.25, lr=0.00015]\n";
    static final String BAR_EPOCH_1 = "Train step of epoch 1:  50%|#####     | 1/2 [00:01<00:01,  1.00it/s,"
            + " gpt_loss=2, lr=0.0001]\rTrain step of epoch 1: 100%|##########| 2/2 [00:02<00:00,  1.00it/s,"
            + " gpt_loss=1.75, lr=2e-05]\n";

    @Autowired
    RunQueue queue;

    @Autowired
    RunFence fence;

    @Autowired
    TrainingJobs trainingJobs;

    @Autowired
    RoundJobs roundJobs;

    @Autowired
    CheckpointRegistry registry;

    @Autowired
    LabelData labels;

    @Autowired
    ComputeEngine engine;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RunsProperties properties;

    @Autowired
    TrainingMetrics metrics;

    LoopFixtures fixtures;

    @BeforeEach
    void onlyThisTestsRunsAreQueued() {
        fixtures = new LoopFixtures(jdbc);
        fixtures.cancelOpenRuns();
    }

    @Test
    void sftRunOnRayGoesPendingRunningSucceededWithItsLogMetricsAndRegisteredModel() throws Exception {
        long base = fixtures.baseCheckpoint();
        long run = rayRun("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), base);
        try (FakeRayJobsApi ray = new FakeRayJobsApi(
                        FakeRayJobsApi.Step.of("PENDING", ""),
                        FakeRayJobsApi.Step.of("RUNNING", "Loading model\n" + BAR_EPOCH_0),
                        FakeRayJobsApi.Step.of("RUNNING", BAR_EPOCH_1),
                        FakeRayJobsApi.Step.of("SUCCEEDED", "Saving model to the save path\n"))
                .onSucceeded(RayJobsTest::writeHfModel)) {

            assertThat(worker(ray.address()).runOnce()).contains(run);

            assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
            JsonNode submission = ray.submissions.get(0);
            String folder = folder(run);
            assertThat(submission.path("submission_id").asString()).isEqualTo("instructforge-" + folder);
            assertThat(submission.path("entrypoint").asString())
                    .startsWith("deepspeed --module openrlhf.cli.train_sft --pretrain ")
                    .contains("--input_key prompt --output_key completion --apply_chat_template")
                    .contains("--max_epochs 2 --train_batch_size 4 --learning_rate 2.0E-4")
                    .contains("--max_len 224"); // 128 prompt + 96 response tokens
            assertThat(submission.path("runtime_env").path("pip").get(0).asString())
                    .isEqualTo("openrlhf");
            assertThat(submission.path("metadata").path("instructforge_run").asString())
                    .isEqualTo(Long.toString(run));
            Path train = Path.of(FakeRayJobsApi.flag(submission, "--dataset"));
            assertThat(Files.readAllLines(train)).hasSize(7).first().asString().startsWith("{\"prompt\":");

            assertThat(metric(run, "sft/gpt_loss")).containsExactly(2.5, 2.25, 2.0, 1.75);
            var row = jdbc.sql("SELECT progress, current_step, total_steps, output_checkpoint_id FROM training_run"
                            + " WHERE id = :id")
                    .param("id", run)
                    .query()
                    .singleRow();
            assertThat(row.get("total_steps")).isEqualTo(4);
            assertThat(row.get("current_step")).isEqualTo(4);
            assertThat(fixtures.log(run))
                    .anyMatch(l -> l.startsWith("INFO Exported 7 demonstrations and 1 to validate on"))
                    .anyMatch(l -> l.startsWith("INFO Submitted Ray job instructforge-" + folder))
                    .anyMatch(l -> l.equals("INFO Loading model"))
                    .anyMatch(l -> l.equals("INFO Saving model to the save path"))
                    .noneMatch(l -> l.contains("gpt_loss=")) // progress bars became metrics, not log rows
                    .anyMatch(l -> l.equals("INFO Succeeded"));

            long output = ((Number) row.get("output_checkpoint_id")).longValue();
            var checkpoint = jdbc.sql("SELECT kind, status, parent_id, training_run_id, storage_path, sha256,"
                            + " metrics ->> 'executor' AS executor FROM model_checkpoint WHERE id = :id")
                    .param("id", output)
                    .query()
                    .singleRow();
            assertThat(checkpoint.get("kind")).isEqualTo("SFT");
            assertThat(checkpoint.get("status")).isEqualTo("READY");
            assertThat(((Number) checkpoint.get("parent_id")).longValue()).isEqualTo(base);
            assertThat(((Number) checkpoint.get("training_run_id")).longValue()).isEqualTo(run);
            assertThat(checkpoint.get("executor")).isEqualTo("ray");
            assertThat(checkpoint.get("sha256")).isNotNull();
            assertThat(Path.of((String) checkpoint.get("storage_path")).resolve("SHA256SUMS"))
                    .isRegularFile();
        }
    }

    @Test
    void aFailedRayJobFailsTheRunWithTheJobsMessageAndRegistersNothing() throws Exception {
        long run = rayRun("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint());
        try (FakeRayJobsApi ray = new FakeRayJobsApi(
                FakeRayJobsApi.Step.of("PENDING", ""),
                new FakeRayJobsApi.Step(
                        "FAILED",
                        "Job entrypoint command failed with exit code 1, last available logs: CUDA out of memory",
                        "Traceback (most recent call last):\ntorch.OutOfMemoryError: CUDA out of memory\n"))) {

            worker(ray.address()).runOnce();

            assertThat(fixtures.status(run)).isEqualTo("FAILED");
            assertThat(error(run))
                    .startsWith("The Ray job instructforge-run-" + run + "-")
                    .endsWith(" failed: Job entrypoint command failed with exit code 1, last available logs:"
                            + " CUDA out of memory");
            assertThat(fixtures.log(run)).contains("INFO torch.OutOfMemoryError: CUDA out of memory");
            assertThat(outputCheckpoints(run)).isZero();
        }
    }

    @Test
    void cancellingARayRunStopsItsJob() throws Exception {
        long run = rayRun("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint());
        try (FakeRayJobsApi ray = new FakeRayJobsApi(
                FakeRayJobsApi.Step.of("PENDING", ""), FakeRayJobsApi.Step.of("RUNNING", BAR_EPOCH_0))) {
            RunWorker worker = worker(ray.address());
            CompletableFuture<Optional<Long>> running = CompletableFuture.supplyAsync(worker::runOnce);
            waitFor(() -> ray.statusReads() >= 3); // running, and its metrics copied

            jdbc.sql("UPDATE training_run SET status = 'CANCEL_REQUESTED' WHERE id = :id")
                    .param("id", run)
                    .update();

            assertThat(running.get(30, TimeUnit.SECONDS)).contains(run);
            assertThat(ray.stops)
                    .containsExactly(
                            ray.submissions.get(0).path("submission_id").asString());
            assertThat(ray.requests).contains("POST /api/jobs/" + ray.stops.get(0) + "/stop");
            assertThat(fixtures.status(run)).isEqualTo("CANCELLED");
            assertThat(fixtures.log(run)).anyMatch(l -> l.startsWith("INFO Asked Ray to stop job instructforge-run-"));
            assertThat(metric(run, "sft/gpt_loss")).containsExactly(2.5, 2.25);
            assertThat(outputCheckpoints(run)).isZero();
        }
    }

    @Test
    void anUnreachableRayClusterFailsTheRunClearlyAsAnyInfrastructureFailure() throws Exception {
        long run = rayRun("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint());
        URI nobody = closedPort();

        worker(nobody).runOnce();

        assertThat(fixtures.status(run)).isEqualTo("FAILED");
        assertThat(error(run))
                .startsWith("The Ray Jobs API at " + nobody + "/ is unreachable (read job instructforge-run-");
        assertThat(outputCheckpoints(run)).isZero();
    }

    @Test
    void aRewardRunOnRayExportsEveryStrictPairAndRegistersARewardModelFromItsStart() throws Exception {
        long base = fixtures.baseCheckpoint();
        long run = rayRun("REWARD", "{}", fixtures.datasetWithRankings(), base);
        try (FakeRayJobsApi ray = new FakeRayJobsApi(
                        FakeRayJobsApi.Step.of(
                                "SUCCEEDED",
                                "Train step of epoch 0: 100%|##########| 1/1 [00:01<00:00, preference_loss=0.69, acc_mean=0.5]\n"))
                .onSucceeded(RayJobsTest::writeHfModel)) {

            worker(ray.address()).runOnce();

            assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
            JsonNode submission = ray.submissions.get(0);
            assertThat(submission.path("entrypoint").asString())
                    .startsWith("deepspeed --module openrlhf.cli.train_rm ")
                    .contains("--prompt_key prompt --chosen_key chosen --rejected_key rejected");
            // Seven TRAIN rankings of (answer, wrong, wrong, garbage) ranked 1, 2, 2, 3: five strict pairs each.
            assertThat(Files.readAllLines(Path.of(FakeRayJobsApi.flag(submission, "--dataset"))))
                    .hasSize(35);
            assertThat(metric(run, "reward/acc_mean")).containsExactly(0.5);
            long output = jdbc.sql("SELECT output_checkpoint_id FROM training_run WHERE id = :id")
                    .param("id", run)
                    .query(Long.class)
                    .single();
            assertThat(jdbc.sql("SELECT kind || ' ' || parent_id FROM model_checkpoint WHERE id = :id")
                            .param("id", output)
                            .query(String.class)
                            .single())
                    .isEqualTo("REWARD " + base);
        }
    }

    @Test
    void aResumedRayRunFollowsTheJobItsEarlierAttemptSubmittedInsteadOfSubmittingAgain() throws Exception {
        long run = rayRun("SFT", SMALL_SFT, fixtures.datasetWithDemonstrations(), fixtures.baseCheckpoint());
        String folder = folder(run);
        Path output = properties.checkpointDir().resolve("runs").resolve(folder).resolve("ray-output");
        try (FakeRayJobsApi ray = new FakeRayJobsApi(
                        FakeRayJobsApi.Step.of("RUNNING", BAR_EPOCH_1), FakeRayJobsApi.Step.of("SUCCEEDED", ""))
                .submittedBefore(
                        "instructforge-" + folder, "deepspeed --module openrlhf.cli.train_sft --save_path " + output)
                .onSucceeded(RayJobsTest::writeHfModel)) {

            worker(ray.address()).runOnce();

            assertThat(ray.requests).noneMatch(r -> r.equals("POST /api/jobs/"));
            assertThat(ray.submissions).hasSize(1);
            assertThat(fixtures.status(run)).isEqualTo("SUCCEEDED");
            assertThat(fixtures.log(run))
                    .anyMatch(l -> l.equals("INFO Following Ray job instructforge-" + folder
                            + " (RUNNING) that an earlier attempt submitted to " + ray.address() + "/"))
                    .noneMatch(l -> l.contains("Exported"));
            assertThat(metric(run, "sft/gpt_loss")).containsExactly(2.0, 1.75); // steps 3 and 4 of epoch 1
        }
    }

    private String folder(long run) {
        return jdbc.sql("SELECT 'run-' || id || '-' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD-HH24MISS')"
                        + " FROM training_run WHERE id = :id")
                .param("id", run)
                .query(String.class)
                .single();
    }

    /** A worker like the service's, whose Ray runs go to {@code address} and are polled every 50 ms. */
    private RunWorker worker(URI address) {
        RayProperties ray = new RayProperties(
                address.toString(),
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                null,
                null,
                null,
                null);
        return new RunWorker(
                queue,
                fence,
                trainingJobs,
                roundJobs,
                new RayJobs(labels, registry, trainingJobs, properties, ray),
                registry,
                engine,
                jdbc,
                properties,
                metrics,
                new WorkerDevices(jdbc));
    }

    private long rayRun(String type, String hyperparameters, long dataset, long start) {
        long run = fixtures.run(type, hyperparameters, dataset, start, null, null);
        jdbc.sql("UPDATE training_run SET executor = 'ray' WHERE id = :id")
                .param("id", run)
                .update();
        return run;
    }

    /** What OpenRLHF's save_model leaves at --save_path: an HF folder (here the base model's files). */
    private static void writeHfModel(JsonNode submission) {
        Path save = Path.of(FakeRayJobsApi.flag(submission, "--save_path"));
        try (var files = Files.list(BaseModel.dir())) {
            Files.createDirectories(save);
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, save.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Double> metric(long run, String name) {
        return jdbc.sql("SELECT value FROM training_metric WHERE run_id = :id AND name = :name ORDER BY step")
                .param("id", run)
                .param("name", name)
                .query(Double.class)
                .list();
    }

    private String error(long run) {
        return jdbc.sql("SELECT error_message FROM training_run WHERE id = :id")
                .param("id", run)
                .query(String.class)
                .single();
    }

    private long outputCheckpoints(long run) {
        return jdbc.sql("SELECT count(*) FROM model_checkpoint WHERE training_run_id = :id")
                .param("id", run)
                .query(Long.class)
                .single();
    }

    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting");
            }
            Thread.sleep(20);
        }
    }
}
