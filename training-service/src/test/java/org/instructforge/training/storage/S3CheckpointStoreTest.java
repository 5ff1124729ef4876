package org.instructforge.training.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3Location;
import org.instructforge.shared.checkpoint.S3ProxyServer;
import org.instructforge.training.toolbox.Checkpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object store, against a real S3-compatible server on loopback (S3Proxy, see {@link S3ProxyServer}), reached
 * through the AWS SDK exactly as a worker reaches MinIO or Ceph: an endpoint, path-style addressing, credentials
 * from the standard chain (here its system properties). Each test gets a bucket of its own.
 */
class S3CheckpointStoreTest extends CheckpointStoreContract {

    private static S3ProxyServer server;

    private final List<S3CheckpointStore> opened = new java.util.ArrayList<>();
    private S3Client admin;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @AfterEach
    void closeClients() {
        opened.forEach(S3CheckpointStore::close);
        if (admin != null) {
            admin.close();
        }
    }

    /** A store as a worker on one host configures it, with that host's cache folder. */
    S3CheckpointStore store(URI endpoint, String cacheName) {
        if (bucket == null) {
            bucket = "checkpoints-" + UUID.randomUUID().toString().substring(0, 8);
            admin().createBucket(r -> r.bucket(bucket));
        }
        S3CheckpointStore store = new S3CheckpointStore(
                S3CheckpointObjects.client(endpoint.toString(), "us-east-1", true),
                bucket,
                "instructforge/",
                work.resolve(cacheName));
        opened.add(store);
        return store;
    }

    @Override
    CheckpointStore store() {
        return store(server.endpoint(), "cache-host-a");
    }

    private S3Client admin() {
        if (admin == null) {
            admin = S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true);
        }
        return admin;
    }

    @Override
    void overwrite(String location, String name, byte[] bytes) {
        S3Location at = S3Location.parse(location);
        admin().putObject(r -> r.bucket(at.bucket()).key(at.key(name)), RequestBody.fromBytes(bytes));
    }

    @Override
    void remove(String location, String name) {
        S3Location at = S3Location.parse(location);
        admin().deleteObject(r -> r.bucket(at.bucket()).key(at.key(name)));
    }

    @Override
    boolean holdsAnything(String key) {
        return !objects("instructforge/" + key + "/").isEmpty();
    }

    private List<String> objects(String prefix) {
        // S3Proxy's file-system blob store also lists the folders it made ("extra/"): no object was put there.
        return admin().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .filter(key -> !key.endsWith("/"))
                .toList();
    }

    @Test
    void aCheckpointIsStoredAsOneObjectPerFileUnderThePrefix() throws Exception {
        Path written = checkpoint("sft-run-10", 10);

        String location = store().put(written, "models/sft-run-10");

        assertThat(location).isEqualTo("s3://" + bucket + "/instructforge/models/sft-run-10/");
        assertThat(objects("instructforge/models/sft-run-10/"))
                .containsExactlyInAnyOrder(
                        "instructforge/models/sft-run-10/config.json",
                        "instructforge/models/sft-run-10/tokenizer.json",
                        "instructforge/models/sft-run-10/model.safetensors",
                        "instructforge/models/sft-run-10/extra/notes.txt",
                        "instructforge/models/sft-run-10/SHA256SUMS");
    }

    @Test
    void aWorkerOnAnotherHostDownloadsOnceIntoACacheNamedByTheCheckpointsSha256() throws Exception {
        Path written = checkpoint("reward-run-11", 11);
        String location = store(server.endpoint(), "cache-host-a").put(written, "models/reward-run-11");
        S3CheckpointStore otherHost = store(server.endpoint(), "cache-host-b");

        Path fetched = otherHost.fetch(location);

        assertThat(fetched.getParent()).isEqualTo(work.resolve("cache-host-b").toAbsolutePath());
        assertThat(fetched.getFileName().toString())
                .isEqualTo(Checkpoints.sha256(written.resolve(Checkpoints.CHECKSUMS)));
        assertThat(fetched.resolve("model.safetensors")).hasSameBinaryContentAs(written.resolve("model.safetensors"));
        try (var left = Files.list(fetched.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactly(fetched.getFileName().toString());
        }

        // The weights are gone from the bucket, the manifest is not: host B still loads its verified copy, while a
        // host with an empty cache cannot.
        remove(location, "model.safetensors");
        assertThat(otherHost.fetch(location)).isEqualTo(fetched);
        assertThatThrownBy(() -> store(server.endpoint(), "cache-host-c").fetch(location))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aDamagedCacheCopyIsDownloadedAgain() throws Exception {
        Path written = checkpoint("ppo-run-12", 12);
        S3CheckpointStore store = store(server.endpoint(), "cache-host-a");
        String location = store.put(written, "models/ppo-run-12");
        Path fetched = store.fetch(location);

        Files.writeString(fetched.resolve("config.json"), "{\"damaged\":true}");

        assertThat(store.fetch(location)).isEqualTo(fetched);
        assertThat(fetched.resolve("config.json")).hasSameBinaryContentAs(written.resolve("config.json"));
    }

    @Test
    void anUploadDamagedOnTheWayIsRefusedAndLeavesNothingInTheBucket() throws Exception {
        Path written = checkpoint("dpo-run-13", 13);
        try (CorruptingProxy network = new CorruptingProxy(server.endpoint(), "model.safetensors")) {
            S3CheckpointStore store = store(network.endpoint(), "cache-host-a");

            assertThatThrownBy(() -> store.put(written, "models/dpo-run-13"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("was not stored");

            assertThat(network.damaged()).isPositive();
        }
        assertThat(holdsAnything("models/dpo-run-13")).isFalse();
    }

    /** A sealed folder with 12 MiB of weights: three parts of 5 MiB at the smallest part size S3 allows. */
    private Path bigCheckpoint(String name) throws IOException {
        byte[] weights = new byte[12 << 20];
        new java.util.Random(15).nextBytes(weights);
        return Checkpoints.writeAtomically(work.resolve("written").resolve(name), dir -> {
            Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
            Files.write(dir.resolve("model.safetensors"), weights);
        });
    }

    private S3CheckpointStore storeWithSmallParts(URI endpoint) {
        store(server.endpoint(), "cache-host-a"); // creates the bucket
        S3CheckpointStore store = new S3CheckpointStore(
                S3CheckpointObjects.client(endpoint.toString(), "us-east-1", true),
                bucket,
                "instructforge/",
                work.resolve("cache-host-a"),
                5 << 20);
        opened.add(store);
        return store;
    }

    @Test
    void aFileLargerThanOnePartIsUploadedInPartsVerifiedAndFetchedWhole() throws Exception {
        Path written = bigCheckpoint("sft-run-15");
        String location;
        try (CorruptingProxy network = new CorruptingProxy(server.endpoint(), "no-such-file")) {
            location = storeWithSmallParts(network.endpoint()).put(written, "models/sft-run-15");

            // config.json and SHA256SUMS in one PUT each, the 12 MiB of weights in three parts (5, 5 and 2 MiB)
            assertThat(network.puts()).isEqualTo(5);
            assertThat(network.damaged()).isZero();
        }

        assertThat(admin().headObject(r -> r.bucket(bucket).key("instructforge/models/sft-run-15/model.safetensors"))
                        .contentLength())
                .isEqualTo(12 << 20);
        Path fetched = store(server.endpoint(), "cache-host-b").fetch(location);
        assertThat(fetched.resolve("model.safetensors")).hasSameBinaryContentAs(written.resolve("model.safetensors"));
        store(server.endpoint(), "cache-host-b").verify(location);
    }

    @Test
    void aPartDamagedOnTheWayAbortsTheUploadAndLeavesNothingInTheBucket() throws Exception {
        Path written = bigCheckpoint("dpo-run-16");
        try (CorruptingProxy network = new CorruptingProxy(server.endpoint(), "model.safetensors")) {
            S3CheckpointStore store = storeWithSmallParts(network.endpoint());

            assertThatThrownBy(() -> store.put(written, "models/dpo-run-16"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("was not stored");

            assertThat(network.damaged()).isPositive();
        }
        assertThat(holdsAnything("models/dpo-run-16")).isFalse();
        assertThat(admin().listMultipartUploads(r -> r.bucket(bucket)).uploads())
                .isEmpty();
    }

    @Test
    void aPartSmallerThanS3AllowsIsRefused() {
        assertThatThrownBy(() -> new S3CheckpointStore(admin(), "bucket", "", work, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 MiB to 5 GiB");
    }
}
