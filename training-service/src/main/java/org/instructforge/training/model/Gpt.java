package org.instructforge.training.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
public final class Gpt extends AbstractBlock {

    /** Additive attention bias for masked keys: exp underflows to exactly 0, and a fully masked row stays finite. */
    private static final float MASKED = -1e30f;

    private final GptConfig config;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Parameter wte; // (V, C) token embedding, also the LM head
    private final Parameter wpe; // (blockSize, C) learned position embedding
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Parameter lnFWeight;
    private final Parameter lnFBias;
    private final Parameter scalarWeight; // (C, 1), null without a scalar head
    private final Parameter scalarBias; // (1)

    /** Per-layer keys and values of the tokens seen so far, each (B, nh, Tpast, hs). */
    public record KvCache(List<NDArray> keys, List<NDArray> values) implements AutoCloseable {
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

    /** Final hidden states (B, T, C) after ln_f, and the cache extended by this call's tokens. */
    public record Output(NDArray hidden, KvCache cache) {}

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

    public GptConfig config() {
        return config;
    }

    public boolean hasScalarHead() {
        return scalarWeight != null;
    }

    /** Parameters by their Hugging Face name (without {@code transformer.}), in registration order. */
    public Map<String, Parameter> parametersByName() {
        return byName;
    }

    /** Allocates (randomly initialised) arrays for every parameter that has none yet. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1));
    }

    /** The shape a parameter must have, e.g. for checking a checkpoint's tensor. */
    public Shape shapeOf(String name) {
        return shapes.get(name);
    }

    /**
     * Shapes are given to the parameters only here, for those still without an array: DJL's
     * {@code Parameter.setArray} refuses a parameter that already has a shape, and loading a checkpoint sets arrays.
     */
    @Override
    protected void prepare(Shape[] inputShapes) {
        byName.forEach((name, p) -> {
            if (!p.isInitialized()) {
                p.setShape(shapes.get(name));
            }
        });
    }

    private Parameter param(String name, Initializer init, long... shape) {
        Parameter.Type type = name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
        Parameter p = addParameter(Parameter.builder()
                .setName(name)
                .setType(type)
                .optInitializer(init)
                .build());
        byName.put(name, p);
        shapes.put(name, new Shape(shape));
        return p;
    }

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
            positionIds = attentionMask == null
                    ? m.arange((int) tPast, (int) tKeys, 1, DataType.INT64).reshape(1, t) // (1, T)
                    : attentionMask
                            .toType(DataType.INT64, false)
                            .cumSum(1)
                            .sub(1)
                            .maximum(0)
                            .get(":, " + tPast + ":"); // (B, T)
        }
        // Causal mask from arange + comparison (DJL has no tril): query i sees key j iff j <= i, as GPT-2's
        // lower-triangular "bias" buffer; padding keys are hidden on top of that.
        NDArray queryPos = m.arange((int) tPast, (int) tKeys).reshape(t, 1); // (T, 1)
        NDArray keyPos = m.arange(0, (int) tKeys).reshape(1, tKeys); // (1, Tk)
        NDArray visible = keyPos.lte(queryPos).reshape(1, 1, t, tKeys); // (1, 1, T, Tk)
        if (attentionMask != null) {
            NDArray keyIsReal =
                    attentionMask.toType(DataType.BOOLEAN, false).reshape(batch, 1, 1, tKeys); // (B, 1, 1, Tk)
            visible = visible.logicalAnd(keyIsReal); // (B, 1, T, Tk)
        }
        NDArray maskBias = visible.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED); // 0 visible, MASKED hidden

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

    /** Forward with a throwaway parameter store: inference on the device the tokens live on. */
    public Output forward(NDArray tokens, NDArray attentionMask, NDArray positionIds, KvCache past) {
        return forward(new ParameterStore(tokens.getManager(), false), tokens, attentionMask, positionIds, past, false);
    }

    /** Tied LM head: logits = hidden @ wte^T (GPT-2 shares the input and output token embedding). */
    public NDArray logits(ParameterStore ps, NDArray hidden) {
        return Linear.linear(hidden, ps.getValue(wte, hidden.getDevice(), false))
                .head(); // (B, T, V)
    }

    public NDArray logits(NDArray hidden) {
        return logits(new ParameterStore(hidden.getManager(), false), hidden);
    }

    /** Scalar head at every position: (B, T). Reward models read it at the last real token, value heads everywhere. */
    public NDArray scalar(ParameterStore ps, NDArray hidden, boolean training) {
        if (!hasScalarHead()) {
            throw new IllegalStateException("This model was built without a scalar head");
        }
        Weights w = new Weights(ps, hidden.getDevice(), training);
        return hidden.matMul(w.get(scalarWeight)).add(w.get(scalarBias)).squeeze(-1); // (B, T)
    }

    /** Scalar head read at one position per sequence, e.g. each row's last real token: (B). */
    public NDArray scalarAt(ParameterStore ps, NDArray hidden, NDArray positions, boolean training) {
        NDArray all = scalar(ps, hidden, training); // (B, T)
        return all.gather(positions.toType(DataType.INT64, false).reshape(-1, 1), 1)
                .squeeze(1); // (B)
    }

    /** Inference overload: the scalar at one position per sequence, (B). */
    public NDArray scalarAt(NDArray hidden, NDArray positions) {
        return scalarAt(new ParameterStore(hidden.getManager(), false), hidden, positions, false);
    }

    /** DJL Block entry point (e.g. for a Trainer): inputs (tokens[, attentionMask[, positionIds]]) to (logits). */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray positions = inputs.size() > 2 ? inputs.get(2) : null;
        Output out = forward(ps, inputs.get(0), mask, positions, null, training);
        return new NDList(logits(ps, out.hidden()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.vocabSize())};
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

    /** Looks parameters up through the ParameterStore, so a DJL Trainer can mirror them on its device. */
    private record Weights(ParameterStore ps, Device device, boolean training) {
        NDArray get(Parameter p) {
            return ps.getValue(p, device, training);
        }
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
