package org.instructforge.training.model;

/**
 * How {@link Generator} picks tokens. HF generate's order: temperature, then top-k, then top-p on what is left.
 *
 * @param maxNewTokens response length limit (EOS may end a row earlier)
 * @param temperature softmax temperature; 0 means greedy (argmax)
 * @param topK keep the k most likely tokens; 0 keeps all
 * @param topP nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all
 * @param stopAtEos end a row at its first {@code eos_token_id} (the EOS itself is part of the response)
 */
public record SamplingSettings(int maxNewTokens, float temperature, int topK, float topP, boolean stopAtEos) {

    public SamplingSettings {
        if (maxNewTokens < 1 || temperature < 0 || topK < 0 || topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("Invalid sampling settings: " + this);
        }
    }

    /** Pure sampling from the model's distribution, as PPO rollouts want (lm-human-preferences: temperature 1). */
    public static SamplingSettings sampling(int maxNewTokens) {
        return new SamplingSettings(maxNewTokens, 1f, 0, 1f, true);
    }

    public static SamplingSettings greedy(int maxNewTokens) {
        return new SamplingSettings(maxNewTokens, 0f, 0, 1f, true);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** The temperature under which reported log-probs are computed: the sampling one, or 1 when greedy. */
    public float logProbTemperature() {
        return isGreedy() ? 1f : temperature;
    }
}
