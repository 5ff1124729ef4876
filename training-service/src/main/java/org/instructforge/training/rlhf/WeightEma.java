package org.instructforge.training.rlhf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Safetensors;

/**
 * An exponential moving average of a model's weights, moved after every optimizer step (InstructGPT evaluates the
 * EMA of its PPO policy, decay 0.992), kept outside autograd in float32 and saved beside a checkpoint.
 */
final class WeightEma {

    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final float decay;

    /** Starts at the model's current weights. */
    WeightEma(CausalLm model, float decay, NDManager manager) {
        this.decay = decay;
        model.parametersByName().forEach((name, p) -> {
            NDArray copy = p.getArray().duplicate();
            copy.attach(manager);
            weights.put(name, copy);
        });
    }

    /** ema = decay * ema + (1 - decay) * w. */
    void update(CausalLm model) {
        weights.forEach((name, e) -> {
            try (NDArray w = model.parametersByName().get(name).getArray().mul(1 - decay)) {
                e.muli(decay).addi(w);
            }
        });
    }

    /** Puts the averaged weights into the model (at the end of training: what gets saved and evaluated). */
    void copyInto(CausalLm model) {
        weights.forEach((name, w) -> {
            Parameter p = model.parametersByName().get(name);
            p.getArray().set(w.toFloatArray());
        });
    }

    void save(Path file) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        weights.forEach((name, w) ->
                tensors.put(name, new Safetensors.Tensor("F32", w.getShape().getShape(), w.toFloatArray())));
        Safetensors.write(file, tensors);
    }

    void load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Checkpoint lacks its EMA weights " + file);
        }
        Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
        weights.forEach((name, w) -> w.set(tensors.get(name).data()));
    }
}
