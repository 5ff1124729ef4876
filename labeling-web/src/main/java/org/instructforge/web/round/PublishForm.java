package org.instructforge.web.round;

import java.util.Map;
import org.instructforge.shared.RunType;

/**
 * Publishing a policy as the current one and, unless {@code nextRound} is false, starting the next ranking round:
 * the published policy writes {@code outputsPerPrompt} (K, 4..9) outputs for {@code promptCount} prompts of the
 * split, which go into the ranking queue. Absent fields take the defaults of {@link #defaults}.
 */
public record PublishForm(
        Boolean nextRound,
        String name,
        Long datasetId,
        String split,
        Integer promptCount,
        Integer outputsPerPrompt,
        Integer labelsWanted,
        String feedbackSource,
        Long judgeCheckpointId,
        Map<String, String> sampling)
        implements SampledRoundForm {

    /** InstructGPT's labelers ranked K = 4 to 9 outputs; 4 is the quickest to rank. */
    static final int DEFAULT_OUTPUTS = 4;

    public PublishForm {
        // The API may leave it out; publishing starts the next round unless asked not to.
        nextRound = !Boolean.FALSE.equals(nextRound);
        outputsPerPrompt = outputsPerPrompt == null ? DEFAULT_OUTPUTS : outputsPerPrompt;
        sampling = sampling == null ? Map.of() : sampling;
    }

    static PublishForm defaults(String name) {
        return new PublishForm(
                true,
                name,
                null,
                "TRAIN",
                100,
                DEFAULT_OUTPUTS,
                1,
                FeedbackSource.HUMAN.name(),
                null,
                LabelRounds.samplingDefaults(RunType.CANDIDATES));
    }
}
