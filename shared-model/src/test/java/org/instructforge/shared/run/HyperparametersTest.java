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
    void dpoChoicesAreStoredByNameAndFlagsAsBooleans() {
        var v = Hyperparameters.validate(RunType.DPO, Map.of("loss", " IPO ", "referenceFree", "TRUE", "beta", "0.5"));
        assertThat(v.ok()).isTrue();
        assertThat(v.values())
                .containsEntry("loss", "ipo")
                .containsEntry("referenceFree", true)
                .containsEntry("beta", 0.5);
        assertThat(Hyperparameters.defaults(RunType.DPO))
                .containsEntry("loss", "sigmoid")
                .containsEntry("referenceFree", false);

        var wrong = Hyperparameters.validate(RunType.DPO, Map.of("loss", "hinge", "referenceFree", "1", "beta", "0"));
        assertThat(wrong.errors())
                .containsEntry("loss", "must be one of sigmoid, ipo")
                .containsEntry("referenceFree", "must be one of false, true")
                .containsEntry("beta", "must be between 0.001 and 100");
    }

    @Test
    void startingPointsFollowTheLineage() {
        assertThat(RunInputs.checkStart(RunType.DPO, org.instructforge.shared.CheckpointKind.SFT))
                .isEmpty();
        assertThat(RunInputs.checkStart(RunType.DPO, org.instructforge.shared.CheckpointKind.BASE))
                .isPresent();
        assertThat(RunInputs.checkReward(RunType.DPO, null)).isEmpty();
        assertThat(RunInputs.checkStart(RunType.PPO, org.instructforge.shared.CheckpointKind.SFT))
                .isEmpty();
        assertThat(RunInputs.checkStart(RunType.PPO, org.instructforge.shared.CheckpointKind.REWARD))
                .isPresent();
        assertThat(RunInputs.checkReward(RunType.PPO, null)).contains("a PPO run needs a reward model checkpoint");
        assertThat(RunInputs.checkReward(RunType.SFT, org.instructforge.shared.CheckpointKind.REWARD))
                .isPresent();
    }
}
