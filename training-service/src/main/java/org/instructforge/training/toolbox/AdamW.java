package org.instructforge.training.toolbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.training.model.Safetensors;

/**
 * AdamW (Loshchilov & Hutter 2019) as {@code torch.optim.AdamW} computes it, with its moments in the open so a
 * checkpoint can save them and a resumed run continues bit for bit (DJL's optimizers keep their state private).
 * Weight decay applies to matrices and embeddings only, never to biases or LayerNorm gains (nanoGPT's
 * {@code configure_optimizers}).
 *
 * <p>Call {@link #step} after the {@code GradientCollector} is closed: the in-place updates of leaf weights are only
 * legal outside autograd. It also clips the global gradient norm and zeroes the gradients, which PyTorch would
 * otherwise keep adding to across backward passes.
 */
public final class AdamW {

    /**
     * @param beta1 first-moment decay, 0.9
     * @param beta2 second-moment decay: 0.95 in InstructGPT (steadier than 0.999 on small batches)
     * @param epsilon added to the root of the second moment
     * @param weightDecay decoupled decay per unit learning rate
     * @param gradClip the global L2 norm gradients are scaled down to; 0 disables clipping
     */
    public record Settings(float beta1, float beta2, float epsilon, float weightDecay, float gradClip) {
        public static Settings instructGpt(float weightDecay) {
            return new Settings(0.9f, 0.95f, 1e-8f, weightDecay, 1.0f);
        }

        public Settings withClip(float maxNorm) {
            return new Settings(beta1, beta2, epsilon, weightDecay, maxNorm);
        }
    }

    private final List<Parameter> params;
    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private int steps;

    /**
     * @param params the trainable parameters, by their names (which the saved state uses)
     * @param manager owns the moments; must outlive the optimizer
     */
    public AdamW(Map<String, Parameter> params, Settings settings, NDManager manager) {
        this.params = new ArrayList<>(params.values());
        this.settings = settings;
        this.manager = manager;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray w = e.getValue().getArray();
            firstMoments.put(e.getKey(), manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            secondMoments.put(e.getKey(), manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        }
    }

    /** Optimizer steps taken so far (Adam's bias correction depends on it). */
    public int steps() {
        return steps;
    }

    /**
     * One update of every parameter with its accumulated gradient, then zeroes the gradients.
     *
     * <p>The updates run in place, with the gradient's own buffer as the scratch space (it is zeroed at the end
     * anyway) and one temporary per parameter: the first version allocated five, and on CPU each large allocation
     * is fresh pages the kernel must fault in and zero (a GPT-2-small weight embedding is 154 MB).
     *
     * @return the global gradient norm before clipping
     */
    public float step(float learningRate) {
        steps++;
        List<NDArray> grads = new ArrayList<>(params.size());
        for (Parameter p : params) {
            grads.add(p.getArray().getGradient());
        }
        float norm = clipGlobalNorm(grads, settings.gradClip());
        float beta1 = settings.beta1();
        float beta2 = settings.beta2();
        double bias1 = 1 - Math.pow(beta1, steps);
        double bias2 = 1 - Math.pow(beta2, steps);
        int i = 0;
        for (String name : firstMoments.keySet()) {
            Parameter p = params.get(i);
            NDArray g = grads.get(i++);
            NDArray w = p.getArray();
            NDArray m = firstMoments.get(name);
            NDArray v = secondMoments.get(name);
            if (settings.weightDecay() > 0 && w.getShape().dimension() >= 2) {
                w.muli(1 - learningRate * settings.weightDecay()); // decoupled: before the Adam step, as PyTorch
            }
            m.subi(g).muli(beta1).addi(g); // m = beta1 m + (1 - beta1) g
            NDArray scratch = g.muli(g); // g^2
            v.subi(scratch).muli(beta2).addi(scratch); // v = beta2 v + (1 - beta2) g^2
            // w -= lr / bias1 * m / (sqrt(v) / sqrt(bias2) + eps), in PyTorch's order of operations. DJL has no
            // in-place sqrt, and powi(0.5) takes libtorch's general tensor-exponent pow (several times slower).
            try (NDArray denominator = v.sqrt()) {
                denominator.divi(Math.sqrt(bias2)).addi(settings.epsilon());
                scratch.muli(0f).addi(m).divi(denominator).muli(learningRate / bias1);
            }
            w.subi(scratch);
            scratch.muli(0f);
            g.close(); // the handle only: the gradient buffer belongs to the weight
        }
        return norm;
    }

    /** Scales every gradient by min(1, maxNorm / ||g||), ||g|| the L2 norm of all of them together (GPT-3, nanoGPT). */
    public static float clipGlobalNorm(List<NDArray> grads, float maxNorm) {
        double sumSquares = 0;
        for (NDArray g : grads) {
            try (NDArray n = g.norm()) { // a reduction: no squared copy of the gradient
                double x = n.getFloat();
                sumSquares += x * x;
            }
        }
        float norm = (float) Math.sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f);
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }

    /** Writes both moments of every parameter ({@code m.NAME}, {@code v.NAME}) and the step count. */
    public void save(Path file) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> tensors.put("m." + name, tensor(m)));
        secondMoments.forEach((name, v) -> tensors.put("v." + name, tensor(v)));
        tensors.put("steps", new Safetensors.Tensor("F32", new long[] {1}, new float[] {steps}));
        Safetensors.write(file, tensors);
    }

    /** Restores what {@link #save} wrote; the parameters must be the same names and shapes. */
    public void load(Path file) throws IOException {
        Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
        restore(tensors, "m.", firstMoments);
        restore(tensors, "v.", secondMoments);
        Safetensors.Tensor count = tensors.get("steps");
        if (count == null) {
            throw new IOException("Optimizer state " + file + " lacks its step count");
        }
        steps = (int) count.data()[0];
    }

    private void restore(Map<String, Safetensors.Tensor> tensors, String prefix, Map<String, NDArray> into)
            throws IOException {
        for (Map.Entry<String, NDArray> e : into.entrySet()) {
            Safetensors.Tensor t = tensors.get(prefix + e.getKey());
            if (t == null || !new Shape(t.shape()).equals(e.getValue().getShape())) {
                throw new IOException("Optimizer state lacks or mis-shapes " + prefix + e.getKey());
            }
            NDArray old = e.getValue();
            e.setValue(manager.create(t.data(), old.getShape()).toDevice(old.getDevice(), false));
            old.close();
        }
    }

    private static Safetensors.Tensor tensor(NDArray a) {
        return new Safetensors.Tensor("F32", a.getShape().getShape(), a.toFloatArray());
    }
}
