package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only language model as the trainers, {@link Generator}, {@link HfCheckpoint} and the run worker see it,
 * whatever its architecture ({@link Gpt}, {@link Llama}): a forward pass with a KV cache to final hidden states, the
 * LM head, an optional scalar head (reward model, value function) and the parameters by their checkpoint name.
 * Hugging Face's {@code AutoModelForCausalLM} plays the same role; {@link ModelArchitectures} picks the class.
 */
public interface CausalLm {

    /** Per-layer keys and values of the tokens seen so far, each (B, n_kv_heads, Tpast, head_dim). */
    record KvCache(List<NDArray> keys, List<NDArray> values) implements AutoCloseable {
        public long length() {
            return keys.get(0).getShape().get(2);
        }

        /** Moves the cache to a longer-lived manager so the step manager that produced it can close. */
        public void attach(NDManager manager) {
            keys.forEach(k -> k.attach(manager));
            values.forEach(v -> v.attach(manager));
        }

        @Override
        public void close() {
            keys.forEach(NDArray::close);
            values.forEach(NDArray::close);
        }
    }

    /** Final hidden states (B, T, C) after the last norm, and the cache extended by this call's tokens. */
    record Output(NDArray hidden, KvCache cache) {}

    DecoderConfig config();

    boolean hasScalarHead();

    /** Parameters by name, in registration order; the name is this model's key for it (see {@link #checkpointKey}). */
    Map<String, Parameter> parametersByName();

    /** The shape a parameter must have, e.g. for checking a checkpoint's tensor. */
    Shape shapeOf(String name);

    /** Allocates (randomly initialised) arrays for every parameter that has none yet. */
    void initialize(NDManager manager);

    /**
     * The parameter a checkpoint tensor fills, or null for a tensor the model does not keep (mask buffers, rotary
     * caches). A tied LM head maps to the embedding it is tied to, so the loader can check the two are equal.
     */
    String parameterName(String checkpointKey);

    /** The key {@code save_pretrained} gives a parameter. */
    String checkpointKey(String parameterName);

    /**
     * The forward pass.
     *
     * @param tokens (B, T) token ids
     * @param attentionMask (B, Tpast + T) 1 for real tokens and 0 for padding, over the cached and the new tokens;
     *     null when nothing is padded
     * @param positionIds (B, T) position of each new token; null derives them from the mask as HF generate does,
     *     {@code cumsum(mask) - 1}, so a left-padded row numbers its first real token 0 (else Tpast..Tpast+T-1)
     * @param past cache from earlier calls, null for the first call
     * @param training true enables dropout
     */
    Output forward(
            ParameterStore ps,
            NDArray tokens,
            NDArray attentionMask,
            NDArray positionIds,
            KvCache past,
            boolean training);

    /** Forward with a throwaway parameter store: inference on the device the tokens live on. */
    default Output forward(NDArray tokens, NDArray attentionMask, NDArray positionIds, KvCache past) {
        return forward(new ParameterStore(tokens.getManager(), false), tokens, attentionMask, positionIds, past, false);
    }

    /** LM head: (B, T, C) hidden states to (B, T, V) logits. */
    NDArray logits(ParameterStore ps, NDArray hidden);

    default NDArray logits(NDArray hidden) {
        return logits(new ParameterStore(hidden.getManager(), false), hidden);
    }

    /** Scalar head at every position: (B, T). Reward models read it at the last real token, value heads everywhere. */
    NDArray scalar(ParameterStore ps, NDArray hidden, boolean training);

    /** Scalar head read at one position per sequence, e.g. each row's last real token: (B). */
    default NDArray scalarAt(ParameterStore ps, NDArray hidden, NDArray positions, boolean training) {
        NDArray all = scalar(ps, hidden, training); // (B, T)
        return all.gather(positions.toType(DataType.INT64, false).reshape(-1, 1), 1)
                .squeeze(1); // (B)
    }

    /** Inference overload: the scalar at one position per sequence, (B). */
    default NDArray scalarAt(NDArray hidden, NDArray positions) {
        return scalarAt(new ParameterStore(hidden.getManager(), false), hidden, positions, false);
    }

    /**
     * Position ids HF generate would use, {@code cumsum(mask) - 1} (clamped at 0 for pads), or Tpast..Tpast+T-1
     * without a mask: (B or 1, T).
     */
    static NDArray positionIds(NDManager m, NDArray attentionMask, long tPast, long t) {
        return attentionMask == null
                ? m.arange((int) tPast, (int) (tPast + t), 1, DataType.INT64).reshape(1, t) // (1, T)
                : attentionMask
                        .toType(DataType.INT64, false)
                        .cumSum(1)
                        .sub(1)
                        .maximum(0)
                        .get(":, " + tPast + ":"); // (B, T)
    }

    /**
     * Additive attention bias (B or 1, 1, T, Tk): 0 where query i may see key j (j <= i, a real token), {@code
     * masked} elsewhere. Built from arange + comparison because DJL has no tril.
     */
    static NDArray causalMaskBias(NDManager m, NDArray attentionMask, long batch, long tPast, long t, float masked) {
        long tKeys = tPast + t;
        NDArray queryPos = m.arange((int) tPast, (int) tKeys).reshape(t, 1); // (T, 1)
        NDArray keyPos = m.arange(0, (int) tKeys).reshape(1, tKeys); // (1, Tk)
        NDArray visible = keyPos.lte(queryPos).reshape(1, 1, t, tKeys); // (1, 1, T, Tk)
        if (attentionMask != null) {
            NDArray keyIsReal =
                    attentionMask.toType(DataType.BOOLEAN, false).reshape(batch, 1, 1, tKeys); // (B, 1, 1, Tk)
            visible = visible.logicalAnd(keyIsReal); // (B, 1, T, Tk)
        }
        return visible.toType(DataType.FLOAT32, false).sub(1f).mul(-masked); // 0 visible, masked hidden
    }
}
