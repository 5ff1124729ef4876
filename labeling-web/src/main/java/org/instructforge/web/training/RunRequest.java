package org.instructforge.web.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameter;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.shared.run.RunExecutor;

/**
 * A run as an engineer asks for it, bound from the form and from the API's JSON alike. Everything stays as sent
 * (the type as text, hyperparameters as text or numbers) so that {@link RunRequests} can say what is wrong with
 * each field instead of failing on the first one that does not bind.
 *
 * @param type SFT, REWARD or PPO
 * @param name optional; the output checkpoint is named after it ({@code sft-<run id>} when blank)
 * @param roundIds reward-model runs only: read the rankings of these rounds (none: every round)
 * @param includeAiFeedback reward-model runs only: whether AI-feedback (RLAIF) rankings count too
 * @param startCheckpointId the policy (SFT, PPO) or initialisation (reward model) the run starts from
 * @param rewardCheckpointId PPO only: the reward model it optimises against
 * @param hyperparameters parameter name to value; absent or blank means the recipe's default
 * @param executor {@code local} (blank: the worker trains it) or {@code ray} (the worker hands it to a Ray cluster)
 */
record RunRequest(
        String type,
        String name,
        List<Long> datasetIds,
        List<Long> roundIds,
        Boolean includeAiFeedback,
        Long startCheckpointId,
        Long rewardCheckpointId,
        Map<String, String> hyperparameters,
        String executor) {

    RunRequest {
        datasetIds = datasetIds == null ? List.of() : datasetIds;
        roundIds = roundIds == null ? List.of() : roundIds;
        // An unticked checkbox sends nothing: absent means false.
        includeAiFeedback = Boolean.TRUE.equals(includeAiFeedback);
        hyperparameters = hyperparameters == null ? Map.of() : hyperparameters;
    }

    /** A blank form for this run type: every hyperparameter at the recipe's default. */
    static RunRequest blank(RunType type) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Hyperparameter p : Hyperparameters.of(type)) {
            defaults.put(p.name(), p.formattedDefault());
        }
        return new RunRequest(
                type.name(), "", List.of(), List.of(), false, null, null, defaults, RunExecutor.LOCAL.column());
    }

    /** The value the form shows for a parameter: what the user typed, or the default. */
    public String valueOf(Hyperparameter parameter) {
        String value = hyperparameters.get(parameter.name());
        return value == null ? parameter.formattedDefault() : value;
    }
}
