package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama-family decoder (Llama 2/3, Qwen2, Mistral, SmolLM2) in one file, after transformers'
 * {@code modeling_llama.py}: token embedding, {@code nLayer} pre-norm blocks
 * {@code x = x + attn(input_layernorm(x)); x = x + mlp(post_attention_layernorm(x))}, a final RMSNorm and an LM head
 * (tied to the embedding or its own). No position embedding: rotary embeddings turn q and k by their position.
 *
 * <p>Parameters are named exactly like the Hugging Face tensors ({@code model.layers.0.self_attn.q_proj.weight}) and
 * keep {@code nn.Linear}'s {@code [out, in]} layout ({@code y = x W^T + b}, DJL's {@code Linear.linear}), so a
 * checkpoint maps 1:1 without transposes.
 *
 * <p>Memory: every op takes the activation as its first operand, so results belong to the caller's (per-step)
 * NDManager, never to the manager that owns the weights.
 */
public final class Llama extends DecoderBlock {

    private static final String EMBED = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    private final LlamaConfig config;
    private final Parameter embedTokens; // (V, C)
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final Parameter normWeight; // (C)
    private final Parameter lmHead; // (V, C); the embedding itself when tied
    private final Parameter scalarWeight; // (1, C), null without a scalar head
    private final Parameter scalarBias; // (1)
    private final float[] invFreq; // (hd / 2) rotary frequencies, after rope_scaling

    public Llama(LlamaConfig config) {
        this(config, false);
    }

    public Llama(LlamaConfig config, boolean withScalarHead) {
        this.config = config;
        int c = config.hiddenSize();
        // transformers' _init_weights: N(0, initializer_range = 0.02) for Linear and Embedding, zero biases,
        // RMSNorm gain 1.
        Initializer normal = new NormalInitializer(0.02f);
        embedTokens = param(EMBED, normal, config.vocabSize(), c);
        for (int i = 0; i < config.nLayer(); i++) {
            layers.add(new DecoderLayer("model.layers." + i + ".", normal));
        }
        normWeight = param("model.norm.weight", Initializer.ONES, c);
        lmHead = config.tieWordEmbeddings() ? embedTokens : param(LM_HEAD, normal, config.vocabSize(), c);
        // Reward head init N(0, 1/sqrt(C + 1)) as in openai/lm-human-preferences (and Gpt).
        Initializer headInit = new NormalInitializer((float) (1 / Math.sqrt(c + 1)));
        scalarWeight = withScalarHead ? param(SCALAR_HEAD + "weight", headInit, 1, c) : null;
        scalarBias = withScalarHead ? param(SCALAR_HEAD + "bias", Initializer.ZEROS, 1) : null;
        invFreq = inverseFrequencies(config);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public boolean hasScalarHead() {
        return scalarWeight != null;
    }

    /**
     * Names are HF's own. Old checkpoints carry {@code rotary_emb.inv_freq} buffers (recomputed here); a tied model
     * may still hold {@code lm_head.weight}, which must then equal the embedding.
     */
    @Override
    public String parameterName(String checkpointKey) {
        if (checkpointKey.endsWith(".rotary_emb.inv_freq")) {
            return null;
        }
        return checkpointKey.equals(LM_HEAD) && config.tieWordEmbeddings() ? EMBED : checkpointKey;
    }

    @Override
    public String checkpointKey(String parameterName) {
        return parameterName;
    }

    @Override
    public Output forward(
            ParameterStore ps,
            NDArray tokens,
            NDArray attentionMask,
            NDArray positionIds,
            KvCache past,
            boolean training) {
        Weights w = new Weights(ps, tokens.getDevice(), training);
        NDManager m = tokens.getManager();
        long batch = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        long tPast = past == null ? 0 : past.length();
        if (tPast + t > config.blockSize()) {
            throw new IllegalArgumentException(
                    "Length " + (tPast + t) + " exceeds max_position_embeddings " + config.blockSize());
        }
        if (positionIds == null) {
            positionIds = CausalLm.positionIds(m, attentionMask, tPast, t);
        }
        NDArray maskBias = CausalLm.causalMaskBias(m, attentionMask, batch, tPast, t, MASKED);
        Rotary rotary = rotary(positionIds);

        NDArray x = Embedding.embedding(tokens.toType(DataType.INT64, false), w.get(embedTokens), SparseFormat.DENSE)
                .head(); // (B, T, C)
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            NDArray pastK = past == null ? null : past.keys().get(i);
            NDArray pastV = past == null ? null : past.values().get(i);
            x = layers.get(i).forward(w, x, maskBias, rotary, pastK, pastV, keys, values);
        }
        x = rmsNorm(x, w.get(normWeight));
        return new Output(x, new KvCache(keys, values));
    }

    /** LM head: logits = hidden @ lm_head^T, with lm_head the embedding when tie_word_embeddings. */
    @Override
    public NDArray logits(ParameterStore ps, NDArray hidden) {
        return Linear.linear(hidden, ps.getValue(lmHead, hidden.getDevice(), false))
                .head(); // (B, T, V)
    }

    @Override
    public NDArray scalar(ParameterStore ps, NDArray hidden, boolean training) {
        if (!hasScalarHead()) {
            throw new IllegalStateException("This model was built without a scalar head");
        }
        Weights w = new Weights(ps, hidden.getDevice(), training);
        return Linear.linear(hidden, w.get(scalarWeight), w.get(scalarBias))
                .head()
                .squeeze(-1); // (B, T)
    }

    /**
     * RMSNorm (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * weight, no mean subtraction and no bias.
     * LlamaRMSNorm upcasts to fp32 for this; the whole model runs in fp32 here, so there is nothing to cast.
     */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (B, T, 1)
        return x.div(meanSquare.add(Gpt.scalar(x, config.rmsNormEps())).sqrt()).mul(weight);
    }

    /**
     * RoPE frequencies theta^(-2i/d) for i in [0, d/2), as LlamaRotaryEmbedding computes them in fp32, then
     * rope_scaling: "linear" divides all by factor; "llama3" divides those whose wavelength 2 pi / f exceeds
     * original / low_freq_factor, keeps those below original / high_freq_factor, and interpolates between.
     */
    static float[] inverseFrequencies(LlamaConfig config) {
        int d = config.headDim();
        float[] inv = new float[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (float) (2 * i) / d));
        }
        LlamaConfig.RopeScaling s = config.ropeScaling();
        if (s == null) {
            return inv;
        }
        for (int i = 0; i < inv.length; i++) {
            if (s.type().equals("linear")) {
                inv[i] = (float) (inv[i] / s.factor());
                continue;
            }
            double lowFreqWavelen = s.originalMaxPositions() / s.lowFreqFactor();
            double highFreqWavelen = s.originalMaxPositions() / s.highFreqFactor();
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (inv[i] / s.factor());
            } else if (wavelen >= highFreqWavelen) {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
            }
        }
        return inv;
    }

    /** cos and sin of position * frequency, each (B or 1, 1, T, hd), the halves repeated as in HF's cat(freqs, freqs). */
    private record Rotary(NDArray cos, NDArray sin) {}

    private Rotary rotary(NDArray positionIds) {
        NDManager m = positionIds.getManager();
        NDArray inv = m.create(invFreq).reshape(1, 1, -1); // (1, 1, hd/2)
        NDArray freqs =
                positionIds.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // (B, T, hd/2)
        NDArray emb = freqs.concat(freqs, -1).expandDims(1); // (B, 1, T, hd)
        return new Rotary(emb.cos(), emb.sin());
    }

    /**
     * q * cos + rotate_half(q) * sin, with rotate_half(x) = cat(-x2, x1) over the two halves of the head dim: the
     * non-interleaved layout HF's Llama weights were permuted into (not the paper's interleaved pairs).
     */
    private static NDArray applyRotary(NDArray x, Rotary r) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(":, :, :, :" + half); // (B, h, T, hd/2)
        NDArray x2 = x.get(":, :, :, " + half + ":"); // (B, h, T, hd/2)
        NDArray rotated = x2.neg().concat(x1, -1); // (B, h, T, hd)
        return x.mul(r.cos()).add(rotated.mul(r.sin()));
    }

    /** One pre-norm decoder layer: x = x + attn(input_layernorm(x)); x = x + mlp(post_attention_layernorm(x)). */
    private final class DecoderLayer {
        private final Parameter inputNorm;
        private final Parameter qProj; // (nh * hd, C)
        private final Parameter qBias;
        private final Parameter kProj; // (nkv * hd, C)
        private final Parameter kBias;
        private final Parameter vProj; // (nkv * hd, C)
        private final Parameter vBias;
        private final Parameter oProj; // (C, nh * hd)
        private final Parameter oBias;
        private final Parameter postAttentionNorm;
        private final Parameter gateProj; // (I, C)
        private final Parameter gateBias;
        private final Parameter upProj; // (I, C)
        private final Parameter upBias;
        private final Parameter downProj; // (C, I)
        private final Parameter downBias;

        DecoderLayer(String prefix, Initializer normal) {
            int c = config.hiddenSize();
            int q = config.nHead() * config.headDim();
            int kv = config.nKvHead() * config.headDim();
            int inner = config.intermediateSize();
            String attn = prefix + "self_attn.";
            String mlp = prefix + "mlp.";
            inputNorm = param(prefix + "input_layernorm.weight", Initializer.ONES, c);
            qProj = param(attn + "q_proj.weight", normal, q, c);
            qBias = config.qkvBias() ? param(attn + "q_proj.bias", Initializer.ZEROS, q) : null;
            kProj = param(attn + "k_proj.weight", normal, kv, c);
            kBias = config.qkvBias() ? param(attn + "k_proj.bias", Initializer.ZEROS, kv) : null;
            vProj = param(attn + "v_proj.weight", normal, kv, c);
            vBias = config.qkvBias() ? param(attn + "v_proj.bias", Initializer.ZEROS, kv) : null;
            oProj = param(attn + "o_proj.weight", normal, c, q);
            oBias = config.oBias() ? param(attn + "o_proj.bias", Initializer.ZEROS, c) : null;
            postAttentionNorm = param(prefix + "post_attention_layernorm.weight", Initializer.ONES, c);
            gateProj = param(mlp + "gate_proj.weight", normal, inner, c);
            gateBias = config.mlpBias() ? param(mlp + "gate_proj.bias", Initializer.ZEROS, inner) : null;
            upProj = param(mlp + "up_proj.weight", normal, inner, c);
            upBias = config.mlpBias() ? param(mlp + "up_proj.bias", Initializer.ZEROS, inner) : null;
            downProj = param(mlp + "down_proj.weight", normal, c, inner);
            downBias = config.mlpBias() ? param(mlp + "down_proj.bias", Initializer.ZEROS, c) : null;
        }

        NDArray forward(
                Weights w,
                NDArray x,
                NDArray maskBias,
                Rotary rotary,
                NDArray pastK,
                NDArray pastV,
                List<NDArray> keysOut,
                List<NDArray> valuesOut) {
            NDArray h = rmsNorm(x, w.get(inputNorm));
            x = x.add(attention(w, h, maskBias, rotary, pastK, pastV, keysOut, valuesOut));
            h = rmsNorm(x, w.get(postAttentionNorm));
            return x.add(mlp(w, h));
        }

        /**
         * Causal grouped-query attention, softmax(q k^T / sqrt(hd) + mask) v, with a KV cache of the nkv key/value
         * heads (after RoPE, as HF caches them). Instead of repeat_kv's copies of k and v, the g = nh / nkv query
         * heads that share a key/value head are stacked along the time axis: one matmul per kv head.
         */
        private NDArray attention(
                Weights w,
                NDArray x,
                NDArray maskBias,
                Rotary rotary,
                NDArray pastK,
                NDArray pastV,
                List<NDArray> keysOut,
                List<NDArray> valuesOut) {
            long b = x.getShape().get(0);
            long t = x.getShape().get(1);
            int nh = config.nHead();
            int nkv = config.nKvHead();
            int hd = config.headDim();
            int g = config.groupSize();
            NDArray q =
                    linear(x, w.get(qProj), w.get(qBias)).reshape(b, t, nh, hd).transpose(0, 2, 1, 3); // (B, nh, T, hd)
            NDArray k = linear(x, w.get(kProj), w.get(kBias))
                    .reshape(b, t, nkv, hd)
                    .transpose(0, 2, 1, 3); // (B, nkv, T, hd)
            NDArray v = linear(x, w.get(vProj), w.get(vBias))
                    .reshape(b, t, nkv, hd)
                    .transpose(0, 2, 1, 3); // (B, nkv, T, hd)
            q = applyRotary(q, rotary);
            k = applyRotary(k, rotary);
            if (pastK != null) {
                // Concat with the cache's array first: the result lives where the cache lives.
                k = pastK.concat(k, 2); // (B, nkv, Tk, hd)
                v = pastV.concat(v, 2); // (B, nkv, Tk, hd)
            }
            keysOut.add(k);
            valuesOut.add(v);
            long tk = k.getShape().get(2);
            // Query head j uses kv head j / g (repeat_kv): heads j*g..j*g+g-1 stacked as (B, nkv, g*T, hd).
            NDArray qGrouped = q.mul(Gpt.scalar(q, (float) (1 / Math.sqrt(hd)))).reshape(b, nkv, (long) g * t, hd);
            NDArray att = qGrouped.matMul(k.transpose(0, 1, 3, 2)).reshape(b, nh, t, tk); // (B, nh, T, Tk)
            att = att.add(maskBias).softmax(-1);
            if (w.training() && config.attentionDropout() > 0) {
                att = Dropout.dropout(att, config.attentionDropout(), true).head();
            }
            NDArray y = att.reshape(b, nkv, (long) g * t, tk).matMul(v).reshape(b, nh, t, hd); // (B, nh, T, hd)
            y = y.transpose(0, 2, 1, 3).reshape(b, t, (long) nh * hd); // (B, T, nh * hd) heads side by side
            return linear(y, w.get(oProj), w.get(oBias)); // (B, T, C)
        }

        /** SwiGLU (Shazeer 2020): down_proj(silu(gate_proj(x)) * up_proj(x)). */
        private NDArray mlp(Weights w, NDArray x) {
            NDArray gate = linear(x, w.get(gateProj), w.get(gateBias)); // (B, T, I)
            NDArray up = linear(x, w.get(upProj), w.get(upBias)); // (B, T, I)
            NDArray silu = gate.mul(Activation.sigmoid(gate)); // silu(z) = z * sigmoid(z)
            return linear(silu.mul(up), w.get(downProj), w.get(downBias)); // (B, T, C)
        }
    }

    /** nn.Linear: x W^T (+ b), W stored (out, in). */
    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).head();
    }
}
