package org.instructforge.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3ProxyServer;
import org.instructforge.shared.db.EmbeddedDatabaseProperties;
import org.instructforge.shared.db.EmbeddedPostgres;
import org.instructforge.training.hub.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code forge pull} and {@code forge import} end to end: a Hub on loopback ({@link FakeHub}), the product's schema
 * on the tests' embedded PostgreSQL (reached through DB_URL, as an external database would be), a temporary
 * checkpoint root. What each registers is read back from {@code model_checkpoint}.
 */
class ForgePullTest extends CliTestSupport {

    @TempDir
    Path tmp;

    FakeHub hub;
    EmbeddedPostgres postgres;
    Map<String, String> env;
    final FakeHub.File weights = FakeHub.lfs("model.safetensors", 50_000, 7);

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub()
                .repo(
                        "tiny/llama",
                        FakeHub.json("config.json", "{\"model_type\":\"llama\"}"),
                        FakeHub.json("tokenizer.json", "{\"model\":{}}"),
                        FakeHub.json("README.md", "# card"),
                        weights);
        postgres = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(Path.of(""), 0, 60));
        env = new HashMap<>(Map.of(
                "HF_ENDPOINT", hub.endpoint(),
                "DB_URL", postgres.jdbcUrl(),
                "DB_USER", postgres.username(),
                "DB_PASSWORD", postgres.password(),
                "INSTRUCTFORGE_CHECKPOINT_DIR", tmp.resolve("checkpoints").toString()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private int forge(String... args) {
        return forgeWith(env::get, args);
    }

    /** kind, status, storage_path and metrics of the checkpoint of that name; null when none. */
    private Map<String, String> checkpoint(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                var q = c.prepareStatement(
                        "SELECT kind, status, storage_path, metrics::text FROM model_checkpoint WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return Map.of(
                        "kind", rs.getString(1),
                        "status", rs.getString(2),
                        "dir", rs.getString(3),
                        "metrics", rs.getString(4));
            }
        }
    }

    @Test
    void pullRegistersTheRunFilesAsAReadyBaseCheckpoint() throws Exception {
        String name = "tiny/llama-" + System.nanoTime();

        assertThat(forge("pull", "tiny/llama", "--name", name)).as(stderr()).isZero();

        Map<String, String> row = checkpoint(name);
        assertThat(row).containsEntry("kind", "BASE").containsEntry("status", "READY");
        assertThat(row.get("metrics"))
                .contains("\"architecture\": \"llama\"", "\"commit\": \"" + FakeHub.COMMIT + "\"");
        Path dir = Path.of(row.get("dir"));
        assertThat(dir).startsWith(tmp.resolve("checkpoints/models"));
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(weights.content());
        assertThat(dir.resolve("SHA256SUMS")).exists();
        assertThat(dir.resolve("README.md")).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("registered " + name + " (llama) as BASE checkpoint");
        // the download folder is gone once its files moved into the checkpoint
        try (var left = Files.list(tmp.resolve("checkpoints/downloads"))) {
            assertThat(left).isEmpty();
        }

        assertThat(forge("pull", "tiny/llama", "--name", name)).isEqualTo(2);
        assertThat(stderr()).contains("a checkpoint named '" + name + "' exists already");
    }

    @Test
    void aCorruptDownloadIsRefusedAndNothingIsRegistered() throws Exception {
        hub.corrupt("tiny/llama", "model.safetensors");
        String name = "corrupt-" + System.nanoTime();

        assertThat(forge("pull", "tiny/llama", "--name", name)).isEqualTo(1);

        assertThat(stderr().strip())
                .startsWith("forge: model.safetensors: its SHA-256 is")
                .doesNotContain("\n");
        assertThat(checkpoint(name)).isNull();
        assertThat(tmp.resolve("checkpoints/models")).doesNotExist();
    }

    @Test
    void withoutANetworkPullSaysSoInOneLineWithoutAStackTrace() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            env.put("HF_ENDPOINT", "http://127.0.0.1:" + s.getLocalPort());
        }

        assertThat(forge("pull", "tiny/llama")).isEqualTo(1);

        assertThat(stderr()).startsWith("forge: cannot reach the Hugging Face Hub at http://127.0.0.1:");
        assertThat(stderr().strip()).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void importCopiesALocalFolderAndRefusesArchitecturesItCannotRun() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("my-llama"));
        Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"qwen2\"}");
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"chat_template\":\"{{ messages }}\"}");
        Files.write(folder.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(folder.resolve("pytorch_model.bin"), "not needed");
        String name = "my-llama-" + System.nanoTime();

        assertThat(forge("import", folder.toString(), "--name", name))
                .as(stderr())
                .isZero();

        Map<String, String> row = checkpoint(name);
        assertThat(row).containsEntry("kind", "BASE").containsEntry("status", "READY");
        Path dir = Path.of(row.get("dir"));
        assertThat(dir.resolve("tokenizer_config.json")).exists();
        assertThat(dir.resolve("pytorch_model.bin")).doesNotExist();
        assertThat(folder.resolve("model.safetensors")).exists(); // copied, not moved

        Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"bert\"}");
        assertThat(forge("import", folder.toString(), "--name", name + "-bert")).isEqualTo(2);
        assertThat(stderr())
                .contains("model_type 'bert' (config.json) cannot be run here; supported: gpt2, llama, qwen2, mistral");
        assertThat(checkpoint(name + "-bert")).isNull();
    }

    @Test
    void withTheObjectStorePullAndImportUploadTheModelAndKeepNoLocalCopy() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start();
                S3Client admin = S3CheckpointObjects.client(s3.endpoint().toString(), "us-east-1", true)) {
            String bucket = "forge-" + System.nanoTime();
            admin.createBucket(r -> r.bucket(bucket));
            env.putAll(Map.of(
                    "INSTRUCTFORGE_CHECKPOINT_STORE", "s3",
                    "INSTRUCTFORGE_S3_BUCKET", bucket,
                    "INSTRUCTFORGE_S3_PREFIX", "forge",
                    "INSTRUCTFORGE_S3_ENDPOINT", s3.endpoint().toString(),
                    "INSTRUCTFORGE_S3_REGION", "us-east-1"));
            String name = "tiny/llama-s3-" + System.nanoTime();

            assertThat(forge("pull", "tiny/llama", "--name", name)).as(stderr()).isZero();

            Map<String, String> row = checkpoint(name);
            String folder = "forge/models/" + name.replace("/", "--") + "/";
            assertThat(row).containsEntry("kind", "BASE").containsEntry("status", "READY");
            assertThat(row.get("dir")).isEqualTo("s3://" + bucket + "/" + folder);
            assertThat(keys(admin, bucket, folder))
                    .containsExactlyInAnyOrder(
                            folder + "config.json",
                            folder + "tokenizer.json",
                            folder + "model.safetensors",
                            folder + "SHA256SUMS");
            assertThat(admin.getObjectAsBytes(r -> r.bucket(bucket).key(folder + "model.safetensors"))
                            .asByteArray())
                    .isEqualTo(weights.content());
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("at s3://" + bucket + "/" + folder);
            // sealed on this host, then uploaded: neither the download nor the sealed copy stays behind
            try (var left = Files.list(tmp.resolve("checkpoints/models"))) {
                assertThat(left).isEmpty();
            }
            try (var left = Files.list(tmp.resolve("checkpoints/downloads"))) {
                assertThat(left).isEmpty();
            }

            // A second name that maps to the same folder gets a key of its own: the first model stays whole.
            Path local = Files.createDirectories(tmp.resolve("local-llama"));
            Files.writeString(local.resolve("config.json"), "{\"model_type\":\"llama\"}");
            Files.writeString(local.resolve("tokenizer.json"), "{}");
            Files.write(local.resolve("model.safetensors"), new byte[] {9, 8, 7});
            String sameFolder = name.replace("/", "--");

            assertThat(forge("import", local.toString(), "--name", sameFolder))
                    .as(stderr())
                    .isZero();

            String second = "forge/models/" + sameFolder + "-2/";
            assertThat(checkpoint(sameFolder))
                    .containsEntry("status", "READY")
                    .containsEntry("dir", "s3://" + bucket + "/" + second);
            assertThat(admin.getObjectAsBytes(r -> r.bucket(bucket).key(second + "model.safetensors"))
                            .asByteArray())
                    .containsExactly(9, 8, 7);
            assertThat(admin.getObjectAsBytes(r -> r.bucket(bucket).key(folder + "model.safetensors"))
                            .asByteArray())
                    .isEqualTo(weights.content());
        }
    }

    @Test
    void anImportTheObjectStoreCannotTakeRegistersNothing() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("unreachable"));
        Files.writeString(local.resolve("config.json"), "{\"model_type\":\"llama\"}");
        Files.writeString(local.resolve("tokenizer.json"), "{}");
        Files.write(local.resolve("model.safetensors"), new byte[] {1});
        try (ServerSocket closed = new ServerSocket(0)) {
            env.putAll(Map.of(
                    "INSTRUCTFORGE_CHECKPOINT_STORE", "s3",
                    "INSTRUCTFORGE_S3_BUCKET", "nowhere",
                    "INSTRUCTFORGE_S3_ENDPOINT", "http://127.0.0.1:" + closed.getLocalPort(),
                    "INSTRUCTFORGE_S3_REGION", "us-east-1"));
        }
        String name = "unreachable-" + System.nanoTime();

        assertThat(forge("import", local.toString(), "--name", name)).isEqualTo(1);

        assertThat(stderr()).startsWith("forge: ");
        assertThat(checkpoint(name)).isNull();
        assertThat(tmp.resolve("checkpoints/models/" + name)).doesNotExist();
    }

    private static List<String> keys(S3Client s3, String bucket, String prefix) {
        // S3Proxy's file-system blob store also lists the folders it made: no object was put there.
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .filter(key -> !key.endsWith("/"))
                .toList();
    }
}
