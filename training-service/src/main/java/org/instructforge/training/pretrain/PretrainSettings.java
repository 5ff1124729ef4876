package org.instructforge.training.pretrain;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of {@link Pretrainer}. The defaults make the shipped {@code models/base}: a 2.2M-parameter GPT-2
 * (4 layers, width 192, 2,048-token BPE; 9 MB in F32) trained for about 15 minutes on two CPU threads
 * ({@code ./forge pretrain --threads 2}, ~6,900 tokens/s on this project's 2-core machines).
 *
 * @param seed seeds the corpus, the tokenizer's input, weight init and batch sampling: same seed, same model
 * @param trainExamples transcripts in the training corpus (~21 tokens each)
 * @param evalExamples transcripts of a separately seeded corpus for the eval loss
 * @param wrongRate share of corpus answers that are plausible mistakes (the base model should be mediocre)
 * @param ramblingRate share of corpus answers that are right but wrapped in filler
 * @param vocabSize BPE vocabulary size including {@code <|endoftext|>}; GPT-2's 50,257 would make the embedding
 *     alone 38 MB at width 192
 * @param blockSize context length trained on and written as {@code n_positions}
 * @param nEmbd residual width
 * @param nLayer transformer blocks
 * @param nHead attention heads (head size nEmbd / nHead)
 * @param batchSize sequences of blockSize tokens per step
 * @param steps optimizer steps
 * @param learningRate peak AdamW learning rate: small models take a high one (nanoGPT's 10M char model uses 1e-3)
 * @param minLearningRateRatio the cosine schedule decays to this fraction of the peak (10 %, as InstructGPT's SFT)
 * @param warmupSteps linear warm-up from 0 before the cosine decay
 * @param weightDecay decoupled weight decay on matrices and embeddings; biases and LayerNorm gains get none
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2: 0.95, InstructGPT's and GPT-3's value (steadier than 0.999 on small batches)
 * @param gradClip global L2 norm the gradients are scaled down to (1.0 as GPT-3 and nanoGPT)
 * @param evalInterval steps between eval-loss measurements (and the last step)
 * @param evalBatches batches averaged per eval loss
 * @param logInterval steps between progress lines
 * @param evalTasks held-out tasks answered greedily after training for the per-family accuracy; 0 skips it
 * @param threads PyTorch intra-op threads; 0 leaves libtorch's default (one per core)
 */
public record PretrainSettings(
        long seed,
        int trainExamples,
        int evalExamples,
        double wrongRate,
        double ramblingRate,
        int vocabSize,
        int blockSize,
        int nEmbd,
        int nLayer,
        int nHead,
        int batchSize,
        int steps,
        float learningRate,
        float minLearningRateRatio,
        int warmupSteps,
        float weightDecay,
        float beta1,
        float beta2,
        float gradClip,
        int evalInterval,
        int evalBatches,
        int logInterval,
        int evalTasks,
        int threads) {

    public PretrainSettings {
        if (steps < 1 || batchSize < 1 || blockSize < 8 || trainExamples < 1 || evalExamples < 1) {
            throw new IllegalArgumentException("steps, batch size, examples must be positive and block size >= 8");
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
    }

    public static PretrainSettings defaults() {
        return new PretrainSettings(
                1234, 160_000, 1_000, 0.2, 0.1, 2048, 256, 192, 4, 6, 16, 1500, 2e-3f, 0.1f, 100, 0.1f, 0.9f, 0.95f,
                1.0f, 250, 8, 25, 200, 0);
    }

    /**
     * A copy with some fields replaced, by record component name in camelCase or kebab-case ({@code n-embd}), the
     * value parsed to the component's type. Used by the command line: {@code --steps 500 --n-layer 2}.
     */
    public PretrainSettings with(Map<String, String> overrides) {
        RecordComponent[] components = PretrainSettings.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Map<String, String> remaining = new LinkedHashMap<>();
        overrides.forEach((k, v) -> remaining.put(camelCase(k), v));
        try {
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                String given = remaining.remove(c.getName());
                values[i] = given == null ? c.getAccessor().invoke(this) : parse(c.getType(), c.getName(), given);
            }
            if (!remaining.isEmpty()) {
                throw new IllegalArgumentException("Unknown setting(s): " + String.join(", ", remaining.keySet()));
            }
            Class<?>[] types =
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            return PretrainSettings.class.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every field by name, in declaration order (for training_args.json). */
    public Map<String, Object> asMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (RecordComponent c : PretrainSettings.class.getRecordComponents()) {
                out.put(c.getName(), c.getAccessor().invoke(this));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static Object parse(Class<?> type, String name, String value) {
        try {
            if (type == int.class) {
                return Integer.parseInt(value);
            } else if (type == long.class) {
                return Long.parseLong(value);
            } else if (type == float.class) {
                return Float.parseFloat(value);
            } else if (type == double.class) {
                return Double.parseDouble(value);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + name + " must be a number, got '" + value + "'");
        }
        throw new IllegalStateException("Unsupported setting type " + type);
    }

    private static String camelCase(String kebab) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char ch : kebab.toCharArray()) {
            if (ch == '-') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** Learning rate at optimizer step {@code step} (0-based): linear warm-up, then cosine to the floor. */
    public float learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, steps - warmupSteps));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        float floor = learningRate * minLearningRateRatio;
        return (float) (floor + (learningRate - floor) * cosine);
    }
}
