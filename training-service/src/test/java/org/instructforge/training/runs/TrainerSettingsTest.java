package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameter;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.training.rlhf.DpoTrainer;
import org.instructforge.training.rlhf.PpoTrainer;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's hyperparameters (shared-model) are exactly the trainers' settings, with the same defaults. */
class TrainerSettingsTest {

    @Test
    void everyTrainerSettingIsOfferedWithTheTrainersDefault() throws Exception {
        assertAgree(RunType.SFT, SftTrainer.Settings.defaults());
        assertAgree(RunType.REWARD, RewardTrainer.Settings.defaults());
        assertAgree(RunType.PPO, PpoTrainer.Settings.defaults());
        assertAgree(RunType.DPO, DpoTrainer.Settings.defaults());
    }

    @Test
    void theDashboardsDpoChoicesBindOntoTheTrainersLossAndFlag() {
        var validated = Hyperparameters.validate(RunType.DPO, Map.of("loss", "IPO", "referenceFree", "true"));
        assertThat(validated.ok()).isTrue();
        var stored = JsonMapper.builder().build().valueToTree(validated.values());
        DpoTrainer.Settings s = TrainingJobs.settings(DpoTrainer.Settings.defaults(), stored);
        assertThat(s.loss()).isEqualTo(DpoTrainer.Loss.IPO);
        assertThat(s.referenceFree()).isTrue();
        assertThat(s.beta()).isEqualTo(DpoTrainer.Settings.defaults().beta());
    }

    @Test
    void storedValuesOverrideTheDefaultsByName() {
        var stored = JsonMapper.builder().build().readTree("{\"epochs\":3,\"learningRate\":0.001,\"unknown\":1}");
        SftTrainer.Settings s = TrainingJobs.settings(SftTrainer.Settings.defaults(), stored);
        assertThat(s.epochs()).isEqualTo(3);
        assertThat(s.learningRate()).isEqualTo(0.001f);
        assertThat(s.batchSize()).isEqualTo(SftTrainer.Settings.defaults().batchSize());
    }

    @Test
    void invalidStoredValuesFailTheRunWithTheTrainersReason() {
        var stored = JsonMapper.builder().build().readTree("{\"rolloutBatch\":64,\"miniBatch\":24}");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TrainingJobs.settings(PpoTrainer.Settings.defaults(), stored))
                .isInstanceOf(RunFailure.class)
                .hasMessageContaining("rolloutBatch 64 must be a multiple of miniBatch 24");
    }

    private static void assertAgree(RunType type, Record defaults) throws Exception {
        Map<String, Object> trainer = new LinkedHashMap<>();
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            trainer.put(c.getName(), c.getAccessor().invoke(defaults));
        }
        Map<String, Hyperparameter> offered = new LinkedHashMap<>();
        for (Hyperparameter p : Hyperparameters.of(type)) {
            offered.put(p.name(), p);
        }
        assertThat(offered.keySet()).as(type + " names").containsExactlyElementsOf(trainer.keySet());
        offered.forEach((name, p) -> {
            Object value = trainer.get(name);
            if (p.isChoice()) { // an enum or a flag: the form's default is its name
                assertThat(p.formattedDefault()).as(type + "." + name).isEqualToIgnoringCase(String.valueOf(value));
            } else {
                double expected = ((Number) value).doubleValue();
                assertThat(p.defaultValue())
                        .as(type + "." + name)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 + Math.abs(expected) * 1e-6));
            }
        });
        assertThat(Arrays.stream(defaults.getClass().getRecordComponents())).isNotEmpty();
    }
}
