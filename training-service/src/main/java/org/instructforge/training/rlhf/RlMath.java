package org.instructforge.training.rlhf;

import ai.djl.ndarray.NDArray;

/**
 * The small pieces of math the three trainers share, each written once as a pure function (lm-human-preferences'
 * {@code core.py}, TRL's {@code core.py}). Per-token quantities are {@code (B, T)} arrays with a {@code (B, T)} mask
 * of 1 for response tokens and 0 for padding; padding never counts in a mean, a variance or an advantage.
 */
public final class RlMath {

    private RlMath() {}

    /** Mean of x over the positions where mask is 1 (autograd-safe: only tensor operands). */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        return x.mul(mask).sum().div(mask.sum());
    }

    /** Mean of the masked entries of a (B, T) array. */
    public static double maskedMean(float[][] x, float[][] mask) {
        double sum = 0;
        double count = 0;
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < x[i].length; t++) {
                sum += x[i][t] * mask[i][t];
                count += mask[i][t];
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** Variance of the masked entries, with Bessel's correction as lm-human-preferences' whiten (n - 1). */
    public static double maskedVariance(float[][] x, float[][] mask) {
        double mean = maskedMean(x, mask);
        double sum = 0;
        double count = 0;
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < x[i].length; t++) {
                double d = x[i][t] - mean;
                sum += d * d * mask[i][t];
                count += mask[i][t];
            }
        }
        return count <= 1 ? 0 : sum / (count - 1);
    }

    /**
     * (x - mean) / sqrt(var + 1e-8) over the masked entries; padding becomes 0. PPO whitens advantages so the policy
     * loss has the same scale whatever the reward model's scale ({@code shiftMean} false keeps the mean, as TRL does
     * for rewards).
     */
    public static float[][] whiten(float[][] x, float[][] mask, boolean shiftMean) {
        double mean = maskedMean(x, mask);
        double std = Math.sqrt(maskedVariance(x, mask) + 1e-8);
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new float[x[i].length];
            for (int t = 0; t < x[i].length; t++) {
                double centred = x[i][t] - mean;
                double v = (centred / std) + (shiftMean ? 0 : mean);
                out[i][t] = mask[i][t] == 0 ? 0 : (float) v;
            }
        }
        return out;
    }

    /** Advantages and returns of one rollout batch. */
    public record Advantages(float[][] advantages, float[][] returns) {}

    /**
     * Generalised advantage estimation (Schulman et al. 2016), backwards over each row's valid tokens:
     * {@code delta_t = r_t + gamma V_{t+1} - V_t}, {@code A_t = delta_t + gamma lambda A_{t+1}}, with V = 0 after the
     * last response token (the episode ends there). Returns are {@code A + V}, the value head's regression target.
     * Responses are contiguous from t = 0, so a row's valid tokens are those before its first masked-out position.
     */
    public static Advantages gae(float[][] rewards, float[][] values, float[][] mask, float gamma, float lambda) {
        int b = rewards.length;
        float[][] adv = new float[b][];
        float[][] ret = new float[b][];
        for (int i = 0; i < b; i++) {
            int n = rewards[i].length;
            adv[i] = new float[n];
            ret[i] = new float[n];
            float nextValue = 0;
            float nextAdvantage = 0;
            for (int t = n - 1; t >= 0; t--) {
                if (mask[i][t] == 0) {
                    nextValue = 0;
                    nextAdvantage = 0;
                    continue;
                }
                float delta = rewards[i][t] + gamma * nextValue - values[i][t];
                nextAdvantage = delta + gamma * lambda * nextAdvantage;
                adv[i][t] = nextAdvantage;
                ret[i][t] = nextAdvantage + values[i][t];
                nextValue = values[i][t];
            }
        }
        return new Advantages(adv, ret);
    }

    /**
     * The approximate KL between the sampling policy and the updated one that PPO implementations log to see how far
     * an update moved: {@code 0.5 * mean((log p_new - log p_old)^2)} (lm-human-preferences' "approxkl").
     */
    public static double approxKl(float[][] newLogProbs, float[][] oldLogProbs, float[][] mask) {
        float[][] sq = new float[newLogProbs.length][];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = new float[newLogProbs[i].length];
            for (int t = 0; t < sq[i].length; t++) {
                float d = newLogProbs[i][t] - oldLogProbs[i][t];
                sq[i][t] = d * d;
            }
        }
        return 0.5 * maskedMean(sq, mask);
    }

    /**
     * Per-sequence KL estimate against the reference: {@code sum_t (log pi(y_t) - log pi_ref(y_t))} over response
     * tokens, the quantity InstructGPT's per-token penalty adds up and the adaptive controller targets (nats).
     */
    public static float[] sequenceKl(float[][] logProbs, float[][] refLogProbs, float[][] mask) {
        float[] out = new float[logProbs.length];
        for (int i = 0; i < out.length; i++) {
            for (int t = 0; t < logProbs[i].length; t++) {
                out[i] += (logProbs[i][t] - refLogProbs[i][t]) * mask[i][t];
            }
        }
        return out;
    }

    /** Cosine decay from {@code peak} at step 0 to {@code peak * floorRatio} at the last of {@code total} steps. */
    public static float cosineDecay(float peak, float floorRatio, int step, int total) {
        double progress = total <= 1 ? 1 : Math.min(1, step / (double) (total - 1));
        float floor = peak * floorRatio;
        return (float) (floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    public static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return x.length == 0 ? 0 : s / x.length;
    }

    public static double std(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) {
            s += (v - m) * (v - m);
        }
        return x.length < 2 ? 0 : Math.sqrt(s / (x.length - 1));
    }
}
