package org.instructforge.shared.run;

import java.util.List;

/**
 * Which labels a training run reads, stored as {@code training_run.data_selection} JSON. SFT reads the submitted
 * demonstrations of the datasets' TRAIN prompts (VALID for validation); a reward-model run reads their rankings;
 * PPO samples the TRAIN prompts. Labels of labelers whose labels an admin excluded are never read.
 *
 * @param datasetIds the prompt datasets (at least one)
 * @param roundIds only labels from these label rounds; empty means every round (and labels outside rounds)
 * @param includeAiFeedback whether AI-feedback (RLAIF) rankings count besides human ones
 */
public record DataSelection(List<Long> datasetIds, List<Long> roundIds, boolean includeAiFeedback) {

    public DataSelection {
        datasetIds = datasetIds == null ? List.of() : List.copyOf(datasetIds);
        roundIds = roundIds == null ? List.of() : List.copyOf(roundIds);
    }
}
