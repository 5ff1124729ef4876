package org.instructforge.training.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge pull}'s download against a Hub on loopback ({@link FakeHub}); nothing here reaches the internet. */
class ModelPullTest {

    static final String LLAMA_CONFIG = "{\"model_type\":\"llama\",\"hidden_size\":64}";

    @TempDir
    Path tmp;

    final FakeHub hub;
    final FakeHub.File weights = FakeHub.lfs("model.safetensors", 300_000, 1);

    ModelPullTest() throws Exception {
        hub = new FakeHub()
                .repo(
                        "tiny/llama",
                        FakeHub.json("config.json", LLAMA_CONFIG),
                        FakeHub.json("tokenizer.json", "{\"model\":{}}"),
                        FakeHub.json("tokenizer_config.json", "{\"chat_template\":\"{{ messages }}\"}"),
                        FakeHub.json("README.md", "# a model card"),
                        FakeHub.lfs("pytorch_model.bin", 1000, 2),
                        FakeHub.lfs("onnx/model.onnx", 1000, 3),
                        weights);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelPull pull(String token) {
        return new ModelPull(
                new HubClient(hub.endpoint(), token, java.time.Duration.ofSeconds(2)),
                new PrintStream(new ByteArrayOutputStream()));
    }

    private ModelPull.Pulled download(String repo, String token) throws Exception {
        ModelPull pull = pull(token);
        return pull.download(pull.runFiles(repo, "main"), tmp);
    }

    @Test
    void downloadsOnlyTheRunFilesAtTheListedCommitThroughTheCdnRedirect() throws Exception {
        ModelPull.Pulled pulled = download("tiny/llama", "secret-token");

        assertThat(pulled.commit()).isEqualTo(FakeHub.COMMIT);
        try (var files = Files.list(pulled.folder())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors");
        }
        assertThat(Files.readAllBytes(pulled.folder().resolve("model.safetensors")))
                .isEqualTo(weights.content());
        assertThat(hub.seen("hub", "/resolve/" + FakeHub.COMMIT + "/model.safetensors"))
                .hasSize(1);
        // the LFS bytes came from the CDN, which never saw the token; the Hub itself did
        assertThat(hub.seen("cdn", FakeHub.sha256(weights.content())))
                .singleElement()
                .satisfies(s -> assertThat(s.authorization()).isNull());
        assertThat(hub.seen("hub", "/api/models/tiny/llama/revision/main"))
                .singleElement()
                .satisfies(s -> assertThat(s.authorization()).isEqualTo("Bearer secret-token"));
        assertThat(hub.seen("hub", "README.md")).isEmpty();
        assertThat(hub.seen("hub", "pytorch_model.bin")).isEmpty();
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequestFromWhereItStopped() throws Exception {
        hub.breakOnce(weights.content(), 100_000);
        ModelPull pull = pull(null);
        HubClient.Snapshot files = pull.runFiles("tiny/llama", "main");

        assertThatThrownBy(() -> pull.download(files, tmp))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("the download of model.safetensors broke off after 100000 of 300000 bytes")
                .hasMessageContaining("run the same pull again to resume");
        Path folder = tmp.resolve("tiny--llama@" + FakeHub.COMMIT);
        long kept = Files.size(folder.resolve("model.safetensors.part"));
        assertThat(kept).isEqualTo(100_000);
        assertThat(folder.resolve("model.safetensors")).doesNotExist();

        ModelPull.Pulled pulled = pull.download(files, tmp);

        assertThat(Files.readAllBytes(pulled.folder().resolve("model.safetensors")))
                .isEqualTo(weights.content());
        assertThat(hub.seen("cdn", FakeHub.sha256(weights.content())))
                .extracting(FakeHub.Seen::range)
                .containsExactly(null, "bytes=" + kept + "-");
        assertThat(pulled.folder().resolve("model.safetensors.part")).doesNotExist();
        // files finished by the first attempt are not fetched again
        assertThat(hub.seen("hub", "/resolve/" + FakeHub.COMMIT + "/config.json"))
                .hasSize(1);
    }

    @Test
    void aFileWhoseSha256DiffersFromTheHubsIsDeletedAndRefused() throws Exception {
        hub.corrupt("tiny/llama", "model.safetensors");

        assertThatThrownBy(() -> download("tiny/llama", null))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("model.safetensors: its SHA-256 is " + FakeHub.sha256(weights.content()))
                .hasMessageContaining("the Hub's is " + "f".repeat(64));
        Path folder = tmp.resolve("tiny--llama@" + FakeHub.COMMIT);
        assertThat(folder.resolve("model.safetensors")).doesNotExist();
        assertThat(folder.resolve("model.safetensors.part")).doesNotExist();
    }

    @Test
    void aGatedModelNeedsAToken() throws Exception {
        hub.gated("tiny/llama", "right-token");

        assertThatThrownBy(() -> download("tiny/llama", null))
                .isInstanceOf(HubException.class)
                .hasMessage("tiny/llama is gated: accept its conditions at " + hub.endpoint()
                        + "/tiny/llama and set HF_TOKEN to an access token of that account");
        assertThatThrownBy(() -> download("tiny/llama", "wrong-token"))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith("HF_TOKEN's account may not download tiny/llama yet (HTTP 403)");
        assertThat(download("tiny/llama", "right-token").folder().resolve("model.safetensors"))
                .exists();
    }

    @Test
    void aMissingRepositoryOrRevisionIsNamed() {
        assertThatThrownBy(() -> pull(null).runFiles("tiny/nothing", "main"))
                .isInstanceOf(HubException.class)
                .hasMessage(
                        "no model tiny/nothing on the Hub at " + hub.endpoint() + " (if it is private, set HF_TOKEN)");
        assertThatThrownBy(() -> pull(null).runFiles("tiny/llama", "v9"))
                .isInstanceOf(HubException.class)
                .hasMessage("tiny/llama has no revision 'v9'");
    }

    @Test
    void anArchitectureThatCannotRunIsRefusedBeforeItsWeightsAreFetched() {
        hub.repo(
                "tiny/bert",
                FakeHub.json("config.json", "{\"model_type\":\"bert\"}"),
                FakeHub.json("tokenizer.json", "{}"),
                FakeHub.lfs("model.safetensors", 5000, 4));

        assertThatThrownBy(() -> download("tiny/bert", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tiny/bert: model_type 'bert' (config.json) cannot be run here;"
                        + " supported: gpt2, llama, qwen2, mistral");
        assertThat(hub.seen("hub", "tiny/bert/resolve/" + FakeHub.COMMIT + "/model.safetensors"))
                .isEmpty();
    }

    @Test
    void aRepositoryWithoutSafetensorsIsRefusedBeforeAnyDownload() {
        hub.repo(
                "tiny/old",
                FakeHub.json("config.json", LLAMA_CONFIG),
                FakeHub.json("tokenizer.json", "{}"),
                FakeHub.lfs("pytorch_model.bin", 5000, 5));

        assertThatThrownBy(() -> pull(null).runFiles("tiny/old", "main"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tiny/old has no safetensors weights");
        assertThat(hub.seen("hub", "/resolve/")).isEmpty();
    }

    @Test
    void withoutANetworkThePullSaysSoInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        ModelPull offline = new ModelPull(new HubClient(endpoint, null), new PrintStream(new ByteArrayOutputStream()));

        assertThatThrownBy(() -> offline.runFiles("tiny/llama", "main"))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith("cannot reach the Hugging Face Hub at " + endpoint)
                .hasMessageNotContaining("\n");
    }

    @Test
    void onlyHubModelIdsAreAccepted() {
        for (String bad : new String[] {"../etc", "https://huggingface.co/x/y", "a/b/c", "a b/c", ""}) {
            assertThatThrownBy(() -> ModelPull.checkRepoId(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        ModelPull.checkRepoId("HuggingFaceTB/SmolLM2-135M-Instruct");
        ModelPull.checkRepoId("gpt2");
    }
}
