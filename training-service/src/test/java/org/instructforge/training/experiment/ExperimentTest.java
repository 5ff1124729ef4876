package org.instructforge.training.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.instructforge.training.BaseModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forge experiment --quick} as CI runs it: the whole loop on the shipped base model with simulated labelers,
 * a few minutes on two cores. It must show the direction PPO optimises (its answers score above SFT's under the
 * reward model on held-out prompts), keep KL bounded and the answers diverse, and write the report.
 */
class ExperimentTest {

    @TempDir
    Path out;

    @Test
    void quickExperimentShowsPpoBeatingSftAndWritesItsReport() throws IOException {
        Experiment.Summary summary;
        try (NDManager manager = NDManager.newBaseManager()) {
            summary = new Experiment(ExperimentSettings.quick(), new PrintStream(PrintStream.nullOutputStream()))
                    .run(BaseModel.dir(), out, manager);
        }
        // The direction PPO optimises: on held-out prompts the reward model prefers PPO's answers to SFT's. (The
        // held-out labeler's win rate is reported in summary.json; at this size it is not yet above 50 %.)
        assertThat((double) summary.details().get("reward_model_score_ppo_samples"))
                .isGreaterThan((double) summary.details().get("reward_model_score_sft_samples"));
        assertThat(summary.winRate()).isBetween(0.0, 1.0);
        assertThat(summary.labelerAgreement()).isCloseTo(0.73, within(0.03));
        assertThat(summary.rewardValidationAccuracy()).isGreaterThan(0.5);
        assertThat(summary.meanKl()).isBetween(0.0, 10.0);
        assertThat(summary.ppoDistinctShare()).isGreaterThan(0.5);

        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(out.resolve("summary.json").toFile());
        assertThat(json.path("win_rate_ppo_vs_sft").asDouble()).isEqualTo(summary.winRate());
        assertThat(json.path("targets_met").size()).isEqualTo(4);
        String report = Files.readString(out.resolve("report.md"));
        for (String chart : new String[] {
            "sft-loss",
            "reward-validation_accuracy",
            "ppo-reward_mean",
            "ppo-kl",
            "ppo-entropy",
            "ppo-clip_fraction",
            "ppo-value_loss",
            "ppo-approx_kl",
            "ppo-response_length"
        }) {
            Path png = out.resolve("charts/" + chart + ".png");
            assertThat(ImageIO.read(png.toFile())).as(chart).isNotNull();
            assertThat(report).contains("charts/" + chart + ".png");
        }
    }
}
