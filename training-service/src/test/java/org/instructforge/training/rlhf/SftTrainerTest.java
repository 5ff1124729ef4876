package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.ModelArchitectures;
import org.instructforge.training.model.Safetensors;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftTrainerTest {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    private static final List<SftTrainer.Example> FOUR = List.of(
            new SftTrainer.Example("What is 2 + 2?", "4"),
            new SftTrainer.Example("Name a colour.", "Blue"),
            new SftTrainer.Example("Reverse the word cat.", "tac"),
            new SftTrainer.Example("Spell dog in capitals.", "DOG"));

    @TempDir
    Path tmp;

    private static SftTrainer.Settings settings(int epochs, int batch, float lr, float dropout, int checkpointEvery) {
        return new SftTrainer.Settings(
                7, epochs, batch, lr, 0.1f, 0.01f, dropout, 1f, 32, 16, 1000, checkpointEvery, 4, 8);
    }

    @Test
    void overfitsOneBatchAndChangesTheWeights() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 1, false);
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("metrics.jsonl"));
        SftTrainer.Result result;
        try (NDManager m = NDManager.newBaseManager()) {
            result = new SftTrainer(settings(150, 4, 1e-2f, 0f, 1000), metrics, QUIET)
                    .train(init, FOUR, FOUR, null, tmp.resolve("out"), m, RunControl.NEVER);
        }
        double[] losses = metrics.series("sft", "loss")[1];
        assertThat(losses).hasSize(150);
        assertThat(losses[losses.length - 1]).isLessThan(0.1 * losses[0]).isLessThan(0.3);
        assertThat(result.bestValidationLoss()).isLessThan(0.3);
        float[] before = Safetensors.read(init.resolve("model.safetensors"))
                .get("transformer.h.0.attn.c_attn.weight")
                .data();
        float[] after = Safetensors.read(result.best().resolve("model.safetensors"))
                .get("transformer.h.0.attn.c_attn.weight")
                .data();
        assertThat(after).isNotEqualTo(before);
        Checkpoints.verify(result.best());
    }

    @Test
    void overfitsOneBatchOfALlamaFamilyModelThroughTheSameTrainer() throws IOException {
        Path init = TinyModels.randomLlama(tmp.resolve("init"), 1, false);
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("metrics.jsonl"));
        SftTrainer.Result result;
        try (NDManager m = NDManager.newBaseManager()) {
            result = new SftTrainer(settings(100, 4, 1e-2f, 0f, 1000), metrics, QUIET)
                    .train(init, FOUR, FOUR, null, tmp.resolve("out"), m, RunControl.NEVER);
        }
        double[] losses = metrics.series("sft", "loss")[1];
        assertThat(losses[losses.length - 1]).isLessThan(0.1 * losses[0]).isLessThan(0.5);
        String weight = "model.layers.0.self_attn.q_proj.weight";
        float[] before =
                Safetensors.read(init.resolve("model.safetensors")).get(weight).data();
        float[] after = Safetensors.read(result.best().resolve("model.safetensors"))
                .get(weight)
                .data();
        assertThat(after).isNotEqualTo(before);
        assertThat(ModelArchitectures.modelType(result.best())).isEqualTo("llama");
        Checkpoints.verify(result.best());
    }

    @Test
    void resumesExactlyAfterAKillWithDropoutOn() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 2, false);
        SftTrainer.Settings s = settings(5, 2, 3e-3f, 0.1f, 4); // 10 steps, checkpoints at 4 and 8
        JsonlMetrics whole = new JsonlMetrics(tmp.resolve("whole.jsonl"));
        JsonlMetrics killed = new JsonlMetrics(tmp.resolve("killed.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            new SftTrainer(s, whole, QUIET).train(init, FOUR, FOUR, null, tmp.resolve("a"), m, RunControl.NEVER);
            SftTrainer.Result first = new SftTrainer(s, killed, QUIET)
                    .train(init, FOUR, FOUR, null, tmp.resolve("b"), m, RunControl.stopBefore(7));
            assertThat(first.stopped()).isTrue();
            assertThat(killed.series("sft", "loss")[1]).hasSize(7); // steps 1..7 ran (0-based 0..6)
            // restart: resumes from the checkpoint at step 4, recomputes 5 to 7, continues to 10
            new SftTrainer(s, killed, QUIET).train(init, FOUR, FOUR, null, tmp.resolve("b"), m, RunControl.NEVER);
        }
        assertThat(killed.series("sft", "loss")).isDeepEqualTo(whole.series("sft", "loss"));
        assertThat(Files.readAllBytes(tmp.resolve("b/checkpoints/step-000010/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/checkpoints/step-000010/model.safetensors")));
    }

    @Test
    void selectsTheCheckpointWithTheBestRewardWhenARewardModelIsGiven() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 3, false);
        Path rmDir = TinyModels.random(tmp.resolve("rm"), 4, true);
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("metrics.jsonl"));
        SftTrainer.Settings s = new SftTrainer.Settings(7, 6, 2, 3e-3f, 0.1f, 0f, 0f, 1f, 32, 16, 3, 100, 4, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            RewardScorer rm = new RewardScorer(HfCheckpoint.load(rmDir, m, true), 8);
            SftTrainer.Result r = new SftTrainer(s, metrics, QUIET)
                    .train(init, FOUR, FOUR, rm, tmp.resolve("out"), m, RunControl.NEVER);
            double[][] rewards = metrics.series("sft", "validation_reward");
            assertThat(rewards[1]).hasSize(4); // steps 3, 6, 9, 12
            int best = 0;
            for (int i = 1; i < rewards[1].length; i++) {
                best = rewards[1][i] > rewards[1][best] ? i : best;
            }
            assertThat(r.bestStep()).isEqualTo((int) rewards[0][best]);
            assertThat(r.bestValidationReward()).isEqualTo(rewards[1][best]);
        }
    }

    @Test
    void refusesEmptyData() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 1, false);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> new SftTrainer(SftTrainer.Settings.defaults(), MetricSink.NONE, QUIET)
                            .train(init, List.of(), FOUR, null, tmp.resolve("o"), m, RunControl.NEVER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("demonstrations");
        }
    }
}
