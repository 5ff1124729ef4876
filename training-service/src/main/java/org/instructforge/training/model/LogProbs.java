package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Log-probabilities of chosen tokens: shared by sampling and by every later pass that re-scores the samples. */
public final class LogProbs {

    private LogProbs() {}

    /**
     * log softmax(logits / temperature) at the given tokens. Temperature is applied as in TRL and
     * lm-human-preferences so that PPO's ratio compares the distribution the samples came from (before top-k/top-p).
     *
     * @param logits (..., V)
     * @param tokens (...) token ids, same leading shape
     * @return (...) float32 log-probabilities
     */
    public static NDArray ofTokens(NDArray logits, NDArray tokens, float temperature) {
        NDArray scaled = temperature == 1f ? logits : logits.div(Gpt.scalar(logits, temperature));
        NDArray index = tokens.toType(DataType.INT64, false).expandDims(-1); // (..., 1)
        return scaled.logSoftmax(-1).gather(index, -1).squeeze(-1); // (...)
    }
}
