package org.instructforge.training.toolbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.instructforge.training.rlhf.DpoTrainer;
import org.instructforge.training.rlhf.PpoTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.junit.jupiter.api.Test;

class SettingsOverridesTest {

    @Test
    void typedValuesReplaceTheNamedSettingsOnly() {
        PpoTrainer.Settings s = SettingsOverrides.apply(
                PpoTrainer.Settings.defaults(), Map.of("rolloutBatch", "256", "miniBatch", "64", "targetKl", "0.5"));
        assertThat(s.rolloutBatch()).isEqualTo(256);
        assertThat(s.miniBatch()).isEqualTo(64);
        assertThat(s.targetKl()).isEqualTo(0.5f);
        assertThat(s.clipRange()).isEqualTo(PpoTrainer.Settings.defaults().clipRange());
    }

    @Test
    void aTypoOrANonNumberIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> SettingsOverrides.apply(PpoTrainer.Settings.defaults(), Map.of("rollout", "2")))
                .hasMessageStartingWith("Unknown setting 'rollout'; known: seed, iterations, rolloutBatch");
        assertThatThrownBy(() -> SettingsOverrides.apply(SftTrainer.Settings.defaults(), Map.of("epochs", "many")))
                .hasMessage("epochs: 'many' is not a number");
    }

    @Test
    void aChoiceAndAFlagAreSetByNameAsWellAsNumbers() {
        DpoTrainer.Settings s = SettingsOverrides.apply(
                DpoTrainer.Settings.defaults(), Map.of("loss", "ipo", "referenceFree", "true", "beta", "0.5"));
        assertThat(s.loss()).isEqualTo(DpoTrainer.Loss.IPO);
        assertThat(s.referenceFree()).isTrue();
        assertThat(s.beta()).isEqualTo(0.5f);
        assertThat(s.epochs()).isEqualTo(DpoTrainer.Settings.defaults().epochs());
        var stored = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree("{\"loss\":\"IPO\",\"referenceFree\":true,\"runName\":\"x\"}");
        assertThat(SettingsOverrides.apply(DpoTrainer.Settings.defaults(), stored)
                        .loss())
                .isEqualTo(DpoTrainer.Loss.IPO);
        assertThatThrownBy(() -> SettingsOverrides.apply(DpoTrainer.Settings.defaults(), Map.of("loss", "hinge")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hinge");
        assertThatThrownBy(
                        () -> SettingsOverrides.apply(DpoTrainer.Settings.defaults(), Map.of("referenceFree", "yes")))
                .hasMessage("referenceFree: 'yes' is not true or false");
    }

    @Test
    void theRecordsOwnChecksStillApply() {
        assertThatThrownBy(() -> SettingsOverrides.apply(PpoTrainer.Settings.defaults(), Map.of("miniBatch", "24")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rolloutBatch 64 must be a multiple of miniBatch 24");
    }

    @Test
    void aRecordHoldingTrainerSettingsKeepsThemWhenOneOfItsOwnValuesChanges() {
        var full = org.instructforge.training.experiment.ExperimentSettings.full();
        var changed = SettingsOverrides.apply(full, Map.of("ppoPrompts", "256"));
        assertThat(changed.ppoPrompts()).isEqualTo(256);
        assertThat(changed.ppo()).isEqualTo(full.ppo());
        assertThat(changed.reward()).isEqualTo(full.reward());
        assertThat(changed.sft()).isEqualTo(full.sft());
    }
}
