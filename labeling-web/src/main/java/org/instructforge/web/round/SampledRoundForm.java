package org.instructforge.web.round;

import java.util.Map;

/**
 * A round whose outputs a run samples (next-round rankings, evaluations): also how many labels each item wants,
 * who labels it, and the sampling settings (raw, as sent; validated with {@code Hyperparameters}).
 */
public interface SampledRoundForm extends RoundForm {

    Integer labelsWanted();

    String feedbackSource();

    /** The reward model that labels an AI-feedback round. */
    Long judgeCheckpointId();

    Map<String, String> sampling();
}
