package org.instructforge.web.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Downloads of checkpoints the training service stored in an object store ({@code s3://...}), against S3Proxy on
 * loopback ({@link S3ProxyServer}) reached with the settings labeling-web reads from {@code INSTRUCTFORGE_S3_*}. The
 * objects are written here as the training service lays them out (one object per file under the checkpoint's
 * prefix, {@code SHA256SUMS} naming every file): labeling-web never uses the training service's classes.
 */
@SpringBootTest
@AutoConfigureMockMvc
class CheckpointObjectStoreDownloadTest {

    private static final RequestPostProcessor ENGINEER = user("engineer").roles("ML_ENGINEER");

    private static S3ProxyServer server;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path temp;

    private S3Client admin;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry properties) {
        properties.add(
                "instructforge.checkpoints.endpoint", () -> server.endpoint().toString());
        properties.add("instructforge.checkpoints.region", () -> "us-east-1");
    }

    @AfterEach
    void closeClient() {
        if (admin != null) {
            admin.close();
        }
    }

    /**
     * A sealed checkpoint folder: weights, config, tokenizer, a subfolder and one file deeper than a download
     * reaches, with the {@code SHA256SUMS} the training service writes (every file, sorted by name).
     */
    private Path sealedFolder(String name) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        byte[] weights = new byte[1 << 20];
        new Random(3).nextBytes(weights);
        Files.write(dir.resolve("model.safetensors"), weights);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");
        Files.createDirectories(dir.resolve("extra/deeper"));
        Files.writeString(dir.resolve("extra/notes.txt"), "notes");
        Files.writeString(dir.resolve("extra/deeper/too-deep.txt"), "not in a download");
        List<String> lines = new ArrayList<>();
        for (String file : files(dir)) {
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(file))));
            lines.add(sha + "  " + file);
        }
        Files.write(dir.resolve("SHA256SUMS"), lines, StandardCharsets.UTF_8);
        return dir;
    }

    private static List<String> files(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(f -> dir.relativize(f).toString())
                    .sorted()
                    .toList();
        }
    }

    /** The folder's files as objects under {@code forge/models/NAME/}, as the training service uploads them. */
    private String upload(Path dir, String name) throws Exception {
        admin = S3CheckpointObjects.client(server.endpoint().toString(), "us-east-1", true);
        bucket = "downloads-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(r -> r.bucket(bucket));
        String folder = "forge/models/" + name + "/";
        for (String file : files(dir)) {
            admin.putObject(r -> r.bucket(bucket).key(folder + file), RequestBody.fromFile(dir.resolve(file)));
        }
        return "s3://" + bucket + "/" + folder;
    }

    private byte[] download(long id) throws Exception {
        return mvc.perform(get("/api/engineer/checkpoints/" + id + "/download").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "application/zip"))
                .andReturn()
                .getResponse()
                .getContentAsByteArray();
    }

    @Test
    void aCheckpointInTheBucketDownloadsAsTheSameZipAsFromItsFolder() throws Exception {
        Path dir = sealedFolder("sft-run-21");
        String location = upload(dir, "sft-run-21");
        // Left under the prefix by something else (an earlier upload, a hand): not part of the checkpoint.
        admin.putObject(
                r -> r.bucket(bucket).key("forge/models/sft-run-21/stray.txt"), RequestBody.fromString("stray"));
        long inBucket = CheckpointFixtures.checkpoint(jdbc, "sft-s3", "SFT", null, "READY", location);
        long inFolder = CheckpointFixtures.checkpoint(jdbc, "sft-folder", "SFT", null, "READY", dir.toString());

        Map<String, String> fromBucket = unzip(download(inBucket));

        assertThat(fromBucket)
                .containsOnlyKeys("SHA256SUMS", "config.json", "extra/notes.txt", "model.safetensors", "tokenizer.json")
                .isEqualTo(unzip(download(inFolder)));
        assertThat(fromBucket.get("model.safetensors"))
                .isEqualTo(
                        new String(Files.readAllBytes(dir.resolve("model.safetensors")), StandardCharsets.ISO_8859_1));
        mvc.perform(get("/engineer/checkpoints/" + inBucket + "/download").with(ENGINEER))
                .andExpect(status().isOk())
                .andExpect(header().string(
                                "Content-Disposition",
                                containsString("filename=\"" + CheckpointFixtures.nameOf(jdbc, inBucket) + ".zip\"")));
    }

    @Test
    void aCheckpointWhoseObjectsAreGoneIsA404ThatSaysWhich() throws Exception {
        String location = upload(sealedFolder("reward-run-22"), "reward-run-22");
        long id = CheckpointFixtures.checkpoint(jdbc, "rm-s3", "REWARD", null, "READY", location);

        admin.deleteObject(r -> r.bucket(bucket).key("forge/models/reward-run-22/model.safetensors"));

        mvc.perform(get("/api/engineer/checkpoints/" + id + "/download").with(ENGINEER))
                .andExpect(status().isNotFound())
                .andExpect(status().reason(allOf(containsString("are gone"), containsString("model.safetensors"))));

        admin.deleteObject(r -> r.bucket(bucket).key("forge/models/reward-run-22/SHA256SUMS"));

        mvc.perform(get("/api/engineer/checkpoints/" + id + "/download").with(ENGINEER))
                .andExpect(status().isNotFound())
                .andExpect(status().reason(allOf(containsString("are gone"), containsString("SHA256SUMS"))));
    }

    @Test
    void onlyEngineersDownloadFromTheBucketAsFromAFolder() throws Exception {
        String location = upload(sealedFolder("ppo-run-23"), "ppo-run-23");
        long ready = CheckpointFixtures.checkpoint(jdbc, "ppo-s3", "PPO", null, "READY", location);
        long writing = CheckpointFixtures.checkpoint(jdbc, "ppo-s3-writing", "PPO", null, "WRITING", location);

        mvc.perform(get("/engineer/checkpoints/" + ready + "/download")
                        .with(user("l").roles("LABELER")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/engineer/checkpoints/" + ready + "/download")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/engineer/checkpoints/" + writing + "/download").with(ENGINEER))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/engineer/checkpoints/" + ready + "/download").with(ENGINEER))
                .andExpect(status().isOk());
    }

    /** Each entry's bytes as ISO-8859-1 text, so that maps of two zips compare byte for byte. */
    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }
}
