package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 (Radford et al. 2019) in one file, after karpathy/nanoGPT {@code model.py}: token + position embeddings,
 * {@code nLayer} pre-LayerNorm blocks {@code x = x + attn(ln1(x)); x = x + mlp(ln2(x))}, a final LayerNorm and an
 * LM head tied to the token embedding. An optional scalar head (Linear(nEmbd, 1)) turns it into a reward model or a
 * value function.
 *
 * <p>Parameters are DJL {@link Parameter}s named exactly like Hugging Face's GPT-2 tensors minus the
 * {@code transformer.} prefix ({@code h.0.attn.c_attn.weight}), so a checkpoint maps 1:1 and an {@code Optimizer}
 * updates them after a {@code GradientCollector} backward pass. Linear weights keep GPT-2's {@code Conv1D} layout
 * {@code [in, out]} ({@code y = x @ W + b}), which is how the original TensorFlow code and HF store them: no transpose
 * on load or save.
 *
 * <p>Memory: every op takes the activation as its first operand, so results belong to the caller's (per-step)
 * NDManager, never to the manager that owns the weights.
 */
public final class Gpt extends DecoderBlock {

    private static final String PREFIX = "transformer.";

    private final GptConfig config;
    private final Parameter wte; // (V, C) token embedding, also the LM head
    private final Parameter wpe; // (blockSize, C) learned position embedding
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Parameter lnFWeight;
    private final Parameter lnFBias;
    private final Parameter scalarWeight; // (C, 1), null without a scalar head
    private final Parameter scalarBias; // (1)

    public Gpt(GptConfig config) {
        this(config, false);
    }

    public Gpt(GptConfig config, boolean withScalarHead) {
        this.config = config;
        int c = config.nEmbd();
        // GPT-2 init (nanoGPT _init_weights): N(0, 0.02) weights, zero biases, LayerNorm gain 1 and bias 0.
        Initializer normal = new NormalInitializer(0.02f);
        // GPT-2 paper 2.3: residual projections scaled by 1/sqrt(N) for N residual layers (nanoGPT: 2 * n_layer).
        Initializer residual = new NormalInitializer((float) (0.02 / Math.sqrt(2.0 * config.nLayer())));
        wte = param("wte.weight", normal, config.vocabSize(), c);
        wpe = param("wpe.weight", new NormalInitializer(0.01f), config.blockSize(), c);
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(new TransformerBlock("h." + i + ".", normal, residual));
        }
        lnFWeight = param("ln_f.weight", Initializer.ONES, c);
        lnFBias = param("ln_f.bias", Initializer.ZEROS, c);
        // Reward head init N(0, 1/sqrt(C + 1)) as in openai/lm-human-preferences.
        Initializer headInit = new NormalInitializer((float) (1 / Math.sqrt(c + 1)));
        scalarWeight = withScalarHead ? param("scalar_head.weight", headInit, c, 1) : null;
        scalarBias = withScalarHead ? param("scalar_head.bias", Initializer.ZEROS, 1) : null;
    }

    @Override
    public GptConfig config() {
        return config;
    }

    @Override
    public boolean hasScalarHead() {
        return scalarWeight != null;
    }

    /**
     * HF names carry an optional {@code transformer.} prefix; {@code attn.bias} / {@code attn.masked_bias} are
     * causal-mask buffers older transformers saved, not weights; {@code lm_head.weight} is tied to {@code wte}.
     */
    @Override
    public String parameterName(String checkpointKey) {
        String name = checkpointKey.startsWith(PREFIX) ? checkpointKey.substring(PREFIX.length()) : checkpointKey;
        if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias")) {
            return null; // Gpt builds its causal mask on the fly
        }
        return name.equals("lm_head.weight") ? "wte.weight" : name;
    }

    /** {@code GPT2LMHeadModel} saves {@code transformer.}-prefixed names; the scalar head keeps its own name. */
    @Override
    public String checkpointKey(String parameterName) {
        return parameterName.startsWith(SCALAR_HEAD) ? parameterName : PREFIX + parameterName;
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
        long tKeys = tPast + t;
        if (tKeys > config.blockSize()) {
            throw new IllegalArgumentException("Length " + tKeys + " exceeds block size " + config.blockSize());
        }
        if (positionIds == null) {
            positionIds = CausalLm.positionIds(m, attentionMask, tPast, t);
        }
        // Query i sees key j iff j <= i, as GPT-2's lower-triangular "bias" buffer; padding keys are hidden too.
        NDArray maskBias = CausalLm.causalMaskBias(m, attentionMask, batch, tPast, t, MASKED);

        NDArray tokEmb = embed(tokens, w.get(wte)); // (B, T, C)
        NDArray posEmb = embed(positionIds, w.get(wpe)); // (B or 1, T, C)
        NDArray x = dropout(tokEmb.add(posEmb), training);
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            NDArray pastK = past == null ? null : past.keys().get(i);
            NDArray pastV = past == null ? null : past.values().get(i);
            x = blocks.get(i).forward(w, x, maskBias, pastK, pastV, keys, values);
        }
        x = layerNorm(x, w.get(lnFWeight), w.get(lnFBias));
        return new Output(x, new KvCache(keys, values));
    }

    /** Tied LM head: logits = hidden @ wte^T (GPT-2 shares the input and output token embedding). */
    @Override
    public NDArray logits(ParameterStore ps, NDArray hidden) {
        return Linear.linear(hidden, ps.getValue(wte, hidden.getDevice(), false))
                .head(); // (B, T, V)
    }

    /** Scalar head at every position: (B, T). Reward models read it at the last real token, value heads everywhere. */
    @Override
    public NDArray scalar(ParameterStore ps, NDArray hidden, boolean training) {
        if (!hasScalarHead()) {
            throw new IllegalStateException("This model was built without a scalar head");
        }
        Weights w = new Weights(ps, hidden.getDevice(), training);
        return hidden.matMul(w.get(scalarWeight)).add(w.get(scalarBias)).squeeze(-1); // (B, T)
    }

    /** Row lookup with the ids as first operand, so the result belongs to the ids' manager. */
    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids.toType(DataType.INT64, false), table, SparseFormat.DENSE)
                .head();
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && config.dropout() > 0
                ? Dropout.dropout(x, config.dropout(), true).head()
                : x;
    }

    private NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(config.nEmbd()), gain, bias, config.layerNormEpsilon())
                .head();
    }

    /** GPT-2's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (Hendrycks & Gimpel); DJL lacks it. */
    static NDArray geluNew(NDArray x) {
        // Written as the equal x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)), since 0.5 (1 + tanh u) = sigmoid(2u):
        // six ops, not eight.
        float a = (float) (2 * Math.sqrt(2 / Math.PI));
        NDArray u = x.square().mul(scalar(x, a * 0.044715f)).add(a).mul(x); // 2 sqrt(2/pi) (x + 0.044715 x^3)
        return Activation.sigmoid(u).mul(x);
    }

    /**
     * A scalar operand that lives as long as x's manager (the step). DJL's {@code mul(Number)} and
     * {@code div(Number)} free their scalar right after the op, but autograd keeps it for the backward pass,
     * which would then read freed memory (wrong or NaN gradients after a garbage collection).
     */
    public static NDArray scalar(NDArray x, float value) {
        return x.getManager().create(value);
    }

    /** One pre-LN transformer block: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)). */
    private final class TransformerBlock {
        private final Parameter ln1Weight;
        private final Parameter ln1Bias;
        private final Parameter cAttnWeight; // (C, 3C) q, k, v projections side by side
        private final Parameter cAttnBias;
        private final Parameter attnProjWeight; // (C, C)
        private final Parameter attnProjBias;
        private final Parameter ln2Weight;
        private final Parameter ln2Bias;
        private final Parameter fcWeight; // (C, 4C)
        private final Parameter fcBias;
        private final Parameter mlpProjWeight; // (4C, C)
        private final Parameter mlpProjBias;

        TransformerBlock(String prefix, Initializer normal, Initializer residual) {
            int c = config.nEmbd();
            ln1Weight = param(prefix + "ln_1.weight", Initializer.ONES, c);
            ln1Bias = param(prefix + "ln_1.bias", Initializer.ZEROS, c);
            cAttnWeight = param(prefix + "attn.c_attn.weight", normal, c, 3L * c);
            cAttnBias = param(prefix + "attn.c_attn.bias", Initializer.ZEROS, 3L * c);
            attnProjWeight = param(prefix + "attn.c_proj.weight", residual, c, c);
            attnProjBias = param(prefix + "attn.c_proj.bias", Initializer.ZEROS, c);
            ln2Weight = param(prefix + "ln_2.weight", Initializer.ONES, c);
            ln2Bias = param(prefix + "ln_2.bias", Initializer.ZEROS, c);
            fcWeight = param(prefix + "mlp.c_fc.weight", normal, c, config.nInner());
            fcBias = param(prefix + "mlp.c_fc.bias", Initializer.ZEROS, config.nInner());
            mlpProjWeight = param(prefix + "mlp.c_proj.weight", residual, config.nInner(), c);
            mlpProjBias = param(prefix + "mlp.c_proj.bias", Initializer.ZEROS, c);
        }

        NDArray forward(
                Weights w,
                NDArray x,
                NDArray maskBias,
                NDArray pastK,
                NDArray pastV,
                List<NDArray> keysOut,
                List<NDArray> valuesOut) {
            NDArray h = layerNorm(x, w.get(ln1Weight), w.get(ln1Bias));
            x = x.add(attention(w, h, maskBias, pastK, pastV, keysOut, valuesOut));
            h = layerNorm(x, w.get(ln2Weight), w.get(ln2Bias));
            return x.add(mlp(w, h));
        }

        /** Causal multi-head self-attention, softmax(q k^T / sqrt(hs) + mask) v, with a KV cache. */
        private NDArray attention(
                Weights w,
                NDArray x,
                NDArray maskBias,
                NDArray pastK,
                NDArray pastV,
                List<NDArray> keysOut,
                List<NDArray> valuesOut) {
            long b = x.getShape().get(0);
            long t = x.getShape().get(1);
            int c = config.nEmbd();
            int nh = config.nHead();
            int hs = config.headSize();
            NDList qkv = x.matMul(w.get(cAttnWeight)).add(w.get(cAttnBias)).split(3, 2); // 3 x (B, T, C)
            NDArray q = qkv.get(0).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
            NDArray k = qkv.get(1).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
            NDArray v = qkv.get(2).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
            if (pastK != null) {
                // Concat with the cache's array first: the result lives where the cache lives.
                k = pastK.concat(k, 2); // (B, nh, Tk, hs)
                v = pastV.concat(v, 2); // (B, nh, Tk, hs)
            }
            keysOut.add(k);
            valuesOut.add(v);
            // Scale q rather than the larger scores; the scalar stays alive for backward (see scalar()).
            NDArray att =
                    q.mul(scalar(q, (float) (1 / Math.sqrt(hs)))).matMul(k.transpose(0, 1, 3, 2)); // (B, nh, T, Tk)
            att = dropout(att.add(maskBias).softmax(-1), w.training());
            NDArray y = att.matMul(v); // (B, nh, T, hs)
            y = y.transpose(0, 2, 1, 3).reshape(b, t, c); // (B, T, C) re-assemble heads side by side
            return dropout(y.matMul(w.get(attnProjWeight)).add(w.get(attnProjBias)), w.training());
        }

        /** Position-wise MLP: c_fc to 4C, GELU, c_proj back to C. */
        private NDArray mlp(Weights w, NDArray x) {
            NDArray h = geluNew(x.matMul(w.get(fcWeight)).add(w.get(fcBias))); // (B, T, 4C)
            return dropout(h.matMul(w.get(mlpProjWeight)).add(w.get(mlpProjBias)), w.training()); // (B, T, C)
        }
    }
}
