package org.instructforge.training.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PretrainerTest {

    /** A model small enough to train in a few seconds: 1 layer, width 32, 300 tokens, 64-token blocks. */
    static final PretrainSettings TINY = PretrainSettings.defaults()
            .with(Map.ofEntries(
                    Map.entry("train-examples", "3000"),
                    Map.entry("eval-examples", "200"),
                    Map.entry("vocab-size", "300"),
                    Map.entry("block-size", "64"),
                    Map.entry("n-embd", "32"),
                    Map.entry("n-layer", "1"),
                    Map.entry("n-head", "2"),
                    Map.entry("batch-size", "8"),
                    Map.entry("steps", "80"),
                    Map.entry("learning-rate", "0.01"),
                    Map.entry("warmup-steps", "5"),
                    Map.entry("eval-interval", "80"),
                    Map.entry("eval-batches", "4"),
                    Map.entry("log-interval", "40"),
                    Map.entry("eval-tasks", "10")));

    @TempDir
    Path tmp;

    @Test
    void aTinyRunLowersTheLossAndSavesADirectoryThatReloadsWithIdenticalLogits() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (NDManager manager = NDManager.newBaseManager()) {
            Pretrainer.Result r =
                    new Pretrainer(TINY, new PrintStream(log, true, StandardCharsets.UTF_8)).run(tmp, "test", manager);
            // A uniform guess over 300 tokens costs ln(300) = 5.7 nats.
            assertThat(r.finalEvalLoss())
                    .as(log.toString(StandardCharsets.UTF_8))
                    .isLessThan(3.5f);
            assertThat(r.evaluation().overall().tasks()).isEqualTo(10);

            CausalLm reloaded = HfCheckpoint.load(tmp, manager, false);
            NDArray tokens = manager.create(new long[][] {{0, 10, 20, 30, 40, 50}});
            float[] before = r.model()
                    .logits(r.model().forward(tokens, null, null, null).hidden())
                    .toFloatArray();
            float[] after = reloaded.logits(
                            reloaded.forward(tokens, null, null, null).hidden())
                    .toFloatArray();
            assertThat(after).isEqualTo(before);
        }
        for (String file : List.of(
                "config.json",
                "model.safetensors",
                "tokenizer.json",
                "vocab.json",
                "merges.txt",
                "generation_config.json",
                "training_args.json",
                "README.md")) {
            assertThat(tmp.resolve(file)).exists();
        }
        JsonNode args = JsonMapper.builder()
                .build()
                .readTree(tmp.resolve("training_args.json").toFile());
        assertThat(args.get("command").asString()).isEqualTo("test");
        assertThat(args.at("/settings/steps").asInt()).isEqualTo(80);
        assertThat(args.at("/settings/seed").asLong()).isEqualTo(1234);
        assertThat(args.get("final_eval_loss").asDouble()).isPositive();
    }

    @Test
    void theSameSettingsGiveTheSameModelByteForByte(@TempDir Path again) throws Exception {
        PretrainSettings quick = TINY.with(Map.of("steps", "10", "eval-interval", "10", "eval-tasks", "0"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (NDManager manager = NDManager.newBaseManager()) {
            new Pretrainer(quick, quiet).run(tmp, "first", manager);
            new Pretrainer(quick, quiet).run(again, "second", manager);
        }
        for (String file : List.of("model.safetensors", "tokenizer.json", "config.json")) {
            assertThat(java.nio.file.Files.readAllBytes(again.resolve(file)))
                    .as(file)
                    .isEqualTo(java.nio.file.Files.readAllBytes(tmp.resolve(file)));
        }
    }

    @Test
    void learningRateWarmsUpLinearlyThenDecaysByCosineToItsFloor() {
        PretrainSettings s = PretrainSettings.defaults()
                .with(Map.of("steps", "1100", "warmup-steps", "100", "learning-rate", "0.002"));
        assertThat(s.learningRateAt(0)).isCloseTo(0.002f / 100, within(1e-9f));
        assertThat(s.learningRateAt(99)).isCloseTo(0.002f, within(1e-9f));
        assertThat(s.learningRateAt(600)).isCloseTo(0.0011f, within(1e-6f)); // halfway: mid between peak and floor
        assertThat(s.learningRateAt(1099)).isCloseTo(0.0002f, within(1e-6f));
    }

    @Test
    void settingsTakeOverridesByKebabCaseNameAndRejectUnknownOnes() {
        PretrainSettings s = PretrainSettings.defaults().with(Map.of("n-layer", "2", "seed", "9", "wrong-rate", "0.3"));
        assertThat(s.nLayer()).isEqualTo(2);
        assertThat(s.seed()).isEqualTo(9);
        assertThat(s.wrongRate()).isEqualTo(0.3);
        assertThat(s.nEmbd()).isEqualTo(PretrainSettings.defaults().nEmbd());
        assertThatThrownBy(() -> PretrainSettings.defaults().with(Map.of("layers", "2")))
                .hasMessageContaining("Unknown setting")
                .hasMessageContaining("layers");
        assertThatThrownBy(() -> PretrainSettings.defaults().with(Map.of("steps", "many")))
                .hasMessageContaining("must be a number");
        assertThatThrownBy(() -> PretrainSettings.defaults().with(Map.of("n-head", "5")))
                .hasMessageContaining("not divisible");
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3f});
            NDArray b = m.create(new float[] {4f});
            float norm = AdamW.clipGlobalNorm(List.of(a, b), 1f);
            assertThat(norm).isCloseTo(5f, within(1e-5f));
            assertThat(a.getFloat()).isCloseTo(0.6f, within(1e-5f));
            assertThat(b.getFloat()).isCloseTo(0.8f, within(1e-5f));
            NDArray small = m.create(new float[] {0.3f, 0.4f});
            AdamW.clipGlobalNorm(List.of(small), 1f);
            assertThat(small.toFloatArray()).containsExactly(0.3f, 0.4f);
        }
    }

    @Test
    void batchesAreWindowsOfTheStreamShiftedByOneForTheTargets() {
        int[] stream = new int[100];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i;
        }
        long[][] batch = Pretrainer.sampleBatch(stream, 4, 10, new Random(1));
        for (long[] row : batch) {
            assertThat(row).hasSize(11);
            for (int t = 1; t < row.length; t++) {
                assertThat(row[t]).isEqualTo(row[t - 1] + 1);
            }
        }
    }
}
