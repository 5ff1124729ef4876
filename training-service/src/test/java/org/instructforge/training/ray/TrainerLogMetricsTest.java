package org.instructforge.training.ray;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerLogMetricsTest {

    @Test
    void anSftProgressBarGivesTheRunStepAndItsPostfixMetrics() {
        var point = TrainerLogMetrics.parse(
                "Train step of epoch 1:  40%|####      | 4/10 [00:04<00:06,  1.00it/s, gpt_loss=1.23, lr=5e-06]");

        assertThat(point).isPresent();
        assertThat(point.get().step()).isEqualTo(14); // epoch 1 (0-based) of 10 steps, 4th step
        assertThat(point.get().stepsPerPass()).isEqualTo(10);
        assertThat(point.get().values()).isEqualTo(Map.of("gpt_loss", 1.23, "lr", 5e-6));
    }

    @Test
    void ppoEpisodesCountFromOne() {
        var point = TrainerLogMetrics.parse(
                "Episode [1/1]:  20%|##        | 2/10 [01:00<04:00, policy_loss=-0.01, kl=0.02, reward=1.5]");

        assertThat(point.get().step()).isEqualTo(2);
        assertThat(point.get().values()).containsEntry("policy_loss", -0.01).containsEntry("reward", 1.5);
    }

    @Test
    void linesWithoutABarOrWithoutMetricsAreNoPoints() {
        assertThat(TrainerLogMetrics.parse("Loading checkpoint shards: 100%|##########| 2/2 [00:03<00:00]"))
                .isEmpty();
        assertThat(TrainerLogMetrics.parse("[rank0]: saving model to /ckpt")).isEmpty();
        assertThat(TrainerLogMetrics.parse("Train step of epoch 0:   0%|          | 0/10 [00:00<?, ?it/s]"))
                .isEmpty();
    }
}
