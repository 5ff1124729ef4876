package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;

/**
 * Picks the next token of each row from logits by inverse-CDF sampling (DJL has no multinomial): cumulative-sum the
 * distribution and take the first token whose CDF exceeds a uniform draw; top-k and top-p first sort it by
 * probability and filter the tail. Uniforms come from a
 * caller-supplied {@link Random}, so a seed makes generation reproducible.
 */
public final class Sampler {

    /** Additive logit for filtered tokens: their probability underflows to exactly 0. */
    private static final float FILTERED = -1e30f;

    private Sampler() {}

    /**
     * @param logits (B, V) next-token logits
     * @return (B) int64 token ids
     */
    public static NDArray next(NDArray logits, SamplingSettings s, Random rng) {
        if (s.isGreedy()) {
            return logits.argMax(1).toType(DataType.INT64, false); // (B)
        }
        NDManager m = logits.getManager();
        int v = (int) logits.getShape().get(1);
        NDArray scaled = logits.div(Gpt.scalar(logits, s.temperature()));
        boolean topK = s.topK() > 0 && s.topK() < v;
        boolean topP = s.topP() < 1f;
        if (!topK && !topP) {
            // Inverse-CDF sampling works in any fixed order: in vocabulary order it needs no sort (a V log V sort
            // per row and step was most of a cached step at GPT-2's 50,257 tokens).
            return draw(scaled, rng);
        }
        NDArray order = scaled.argSort(1, false); // (B, V) token ids, most likely first
        NDArray sorted = scaled.gather(order, 1); // (B, V)
        if (topK) {
            NDArray beyondK = m.arange(0, v).reshape(1, v).gte(s.topK()); // (1, V)
            sorted = sorted.add(beyondK.toType(DataType.FLOAT32, false).mul(FILTERED));
        }
        if (topP) {
            // Keep token i while the probability mass before it is below p: the token crossing p stays (HF top-p).
            NDArray probs = sorted.softmax(1);
            NDArray massBefore = probs.cumSum(1).sub(probs); // (B, V)
            sorted = sorted.add(
                    massBefore.gte(s.topP()).toType(DataType.FLOAT32, false).mul(FILTERED));
        }
        long b = logits.getShape().get(0);
        return order.gather(draw(sorted, rng).reshape(b, 1), 1).squeeze(1); // (B)
    }

    /** One draw per row from softmax(logits): the (B) column index where the row's CDF first exceeds a uniform. */
    private static NDArray draw(NDArray logits, Random rng) {
        long b = logits.getShape().get(0);
        int v = (int) logits.getShape().get(1);
        NDArray cdf = logits.softmax(1).cumSum(1); // (B, V)
        float[] uniforms = new float[(int) b];
        for (int i = 0; i < uniforms.length; i++) {
            uniforms[i] = rng.nextFloat();
        }
        // Scale the draw by the CDF's last value so float rounding in the cumsum can never run past the end.
        NDArray target = logits.getManager().create(uniforms).reshape(b, 1).mul(cdf.get(":, -1:")); // (B, 1)
        return cdf.lte(target).toType(DataType.INT64, false).sum(new int[] {1}).minimum(v - 1); // (B)
    }
}
