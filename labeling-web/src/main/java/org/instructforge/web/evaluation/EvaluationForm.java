package org.instructforge.web.evaluation;

import java.util.Map;
import org.instructforge.shared.RunType;
import org.instructforge.web.round.LabelRounds;
import org.instructforge.web.round.SampledRoundForm;

/**
 * A new evaluation round: the candidate policy (A) against a baseline (B) on held-out prompts, judged blind in
 * pairs by labelers or, with AI feedback, by a reward model. Absent fields take the defaults of {@link #defaults}.
 */
public record EvaluationForm(
        String name,
        Long candidateId,
        Long baselineId,
        Long datasetId,
        String split,
        Integer promptCount,
        Integer labelsWanted,
        String feedbackSource,
        Long judgeCheckpointId,
        Map<String, String> sampling)
        implements SampledRoundForm {

    public EvaluationForm {
        sampling = sampling == null ? Map.of() : sampling;
    }

    static EvaluationForm defaults(String name) {
        return new EvaluationForm(
                name,
                null,
                null,
                null,
                "TEST",
                100,
                1,
                "HUMAN",
                null,
                LabelRounds.samplingDefaults(RunType.EVALUATION));
    }
}
