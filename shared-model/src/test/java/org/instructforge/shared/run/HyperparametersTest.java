package org.instructforge.shared.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.instructforge.shared.RunType;
import org.junit.jupiter.api.Test;

class HyperparametersTest {

    @Test
    void blankValuesTakeTheRecipeDefaults() {
        var v = Hyperparameters.validate(RunType.SFT, Map.of("epochs", " "));
        assertThat(v.ok()).isTrue();
        assertThat(v.values()).containsEntry("epochs", 16L).containsEntry("learningRate", 3e-4);
        assertThat(v.values()).hasSize(Hyperparameters.of(RunType.SFT).size());
    }

    @Test
    void everyMistakeIsNamedWithItsParameter() {
        var v = Hyperparameters.validate(
                RunType.PPO,
                Map.of("iterations", "2.5", "learningRate", "fast", "clipRange", "5", "bogus", "1", "miniBatch", "24"));
        assertThat(v.ok()).isFalse();
        assertThat(v.errors())
                .containsEntry("iterations", "must be a whole number")
                .containsEntry("learningRate", "'fast' is not a number")
                .containsEntry("clipRange", "must be between 0.01 and 1")
                .containsEntry("bogus", "unknown hyperparameter for a PPO run")
                .containsEntry("miniBatch", "must divide the rollout batch (64)");
    }

    @Test
    void startingPointsFollowTheLineage() {
        assertThat(RunInputs.checkStart(RunType.PPO, org.instructforge.shared.CheckpointKind.SFT))
                .isEmpty();
        assertThat(RunInputs.checkStart(RunType.PPO, org.instructforge.shared.CheckpointKind.REWARD))
                .isPresent();
        assertThat(RunInputs.checkReward(RunType.PPO, null)).contains("a PPO run needs a reward model checkpoint");
        assertThat(RunInputs.checkReward(RunType.SFT, org.instructforge.shared.CheckpointKind.REWARD))
                .isPresent();
    }
}
