package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.checkpoint.CheckpointStoreProperties;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3ProxyServer;
import org.instructforge.training.storage.CheckpointStore;
import org.instructforge.training.storage.CorruptingProxy;
import org.instructforge.training.storage.FileCheckpointStore;
import org.instructforge.training.storage.S3CheckpointStore;
import org.instructforge.training.toolbox.Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Registration through an object store (S3Proxy on loopback, see {@code S3ProxyServer}): a run's checkpoint is
 * READY only after every file is in the bucket and verified, a worker on another host (another cache, no shared
 * folder) loads it from there, and an upload that fails leaves nothing READY. Also how configuration picks the store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CheckpointObjectStoreTest {

    private static S3ProxyServer server;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static String newBucket(S3Client s3) {
        String bucket = "runs-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    /** A run's sealed output folder, written on this host as TrainingJobs.publish writes it. */
    private Path trained(String name) throws Exception {
        return Checkpoints.writeAtomically(
                work.resolve("host-a").resolve("models").resolve(name), dir -> {
                    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
                    Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5});
                });
    }

    private long writingCheckpoint(String name, Path dir) {
        LoopFixtures fixtures = new LoopFixtures(jdbc);
        long run = fixtures.run("SFT", "{}", fixtures.dataset(), null, null, null);
        CheckpointRegistry registry = new CheckpointRegistry(jdbc, new FileCheckpointStore(work));
        return registry.startWriting(run, name, CheckpointKind.SFT, null, null, null, dir);
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql("SELECT status, storage_path FROM model_checkpoint WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
    }

    @Test
    void aCheckpointIsReadyOnlyOnceInTheBucketAndLoadsOnAnotherHost() throws Exception {
        String name = "sft-s3-" + UUID.randomUUID().toString().substring(0, 8);
        String bucket;
        try (S3Client admin = S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true)) {
            bucket = newBucket(admin);
        }
        try (S3CheckpointStore hostA = new S3CheckpointStore(
                        S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true),
                        bucket,
                        "forge",
                        work.resolve("cache-a"));
                S3CheckpointStore hostB = new S3CheckpointStore(
                        S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true),
                        bucket,
                        "forge",
                        work.resolve("cache-b"))) {
            Path dir = trained(name);
            long id = writingCheckpoint(name, dir);
            CheckpointRegistry onA = new CheckpointRegistry(jdbc, hostA);

            String stored = onA.store(dir);
            assertThat(row(id)).containsEntry("status", "WRITING");
            onA.markReady(id, onA.verify(dir), stored, Map.of());

            String location = (String) row(id).get("storage_path");
            assertThat(location).isEqualTo("s3://" + bucket + "/forge/models/" + name + "/");
            assertThat(row(id)).containsEntry("status", "READY");

            // Host B shares no folder with host A: it loads the checkpoint from the bucket into its own cache.
            Checkpoints.deleteRecursively(work.resolve("host-a"));
            CheckpointRegistry.Entry loaded = new CheckpointRegistry(jdbc, hostB).usable(id);
            assertThat(loaded.dir()).startsWith(work.resolve("cache-b").toAbsolutePath());
            assertThat(Files.readAllBytes(loaded.dir().resolve("model.safetensors")))
                    .containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void anUploadThatFailsLeavesTheCheckpointUnregistered() throws Exception {
        String name = "sft-broken-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client admin = S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true);
                CorruptingProxy network = new CorruptingProxy(server.endpoint(), "model.safetensors")) {
            String bucket = newBucket(admin);
            try (S3CheckpointStore store = new S3CheckpointStore(
                    S3CheckpointObjects.client(network.endpoint().toString(), "us-east-1", true),
                    bucket,
                    "",
                    work.resolve("cache"))) {
                Path dir = trained(name);
                long id = writingCheckpoint(name, dir);

                assertThatThrownBy(() -> new CheckpointRegistry(jdbc, store).store(dir))
                        .hasMessageContaining("was not stored");

                assertThat(row(id)).containsEntry("status", "WRITING").containsEntry("storage_path", dir.toString());
                assertThat(network.damaged()).isPositive();
                assertThat(admin.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
                                .filter(o -> !o.key().endsWith("/")))
                        .isEmpty();
            }
        }
    }

    @Test
    void whatAWorkerThatDiedDuringItsUploadLeftIsRemovedWhenItsCheckpointFails() throws Exception {
        String name = "sft-died-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "sft-whole-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client admin = S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true)) {
            String bucket = newBucket(admin);
            try (S3CheckpointStore store = new S3CheckpointStore(
                    S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true),
                    bucket,
                    "forge",
                    work.resolve("cache"))) {
                CheckpointRegistry registry = new CheckpointRegistry(jdbc, store);
                String whole = registry.store(trained(other));
                Path dir = trained(name);
                long id = writingCheckpoint(name, dir);
                // The worker uploaded the weights, then died before the manifest: its run ended without it.
                admin.putObject(
                        r -> r.bucket(bucket).key("forge/models/" + name + "/model.safetensors"),
                        RequestBody.fromBytes(new byte[] {1, 2, 3}));
                jdbc.sql("UPDATE training_run SET status = 'FAILED' WHERE id ="
                                + " (SELECT training_run_id FROM model_checkpoint WHERE id = :id)")
                        .param("id", id)
                        .update();

                assertThat(registry.failAbandoned()).isPositive();

                assertThat(row(id)).containsEntry("status", "FAILED");
                assertThat(
                                admin
                                        .listObjectsV2(r -> r.bucket(bucket).prefix("forge/models/" + name + "/"))
                                        .contents()
                                        .stream()
                                        .filter(o -> !o.key().endsWith("/")))
                        .isEmpty();
                store.verify(whole); // another checkpoint's objects are untouched
            }
        }
    }

    @Test
    void configurationChoosesTheStore() {
        ApplicationContextRunner context = new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, CheckpointStoreConfiguration.class)
                .withPropertyValues("instructforge.runs.checkpoint-root=" + work);

        context.run(c -> assertThat(c.getBean(CheckpointStore.class)).isInstanceOf(FileCheckpointStore.class));
        context.withPropertyValues(
                        "instructforge.checkpoints.store=s3",
                        "instructforge.checkpoints.bucket=checkpoints",
                        "instructforge.checkpoints.endpoint=" + server.endpoint())
                .run(c -> assertThat(c.getBean(CheckpointStore.class)).isInstanceOf(S3CheckpointStore.class));
        context.withPropertyValues("instructforge.checkpoints.store=s3")
                .run(c -> assertThat(c.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("needs instructforge.checkpoints.bucket"));
        context.withPropertyValues("instructforge.checkpoints.part-size=1MB")
                .run(c -> assertThat(c.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("part-size must be between 5MB and 5GB"));
        context.withPropertyValues("instructforge.checkpoints.store=nfs")
                .run(c -> assertThat(c.getStartupFailure()).rootCause().hasMessageContaining("must be file or s3"));
    }

    @EnableConfigurationProperties({CheckpointStoreProperties.class, RunsProperties.class})
    static class Properties {}
}
