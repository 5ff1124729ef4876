package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched autoregressive generation with a KV cache: one forward over the left-padded prompts, then one token per
 * step, each step feeding only the new tokens plus the cached keys and values.
 *
 * <p>Left padding keeps every row's next token in the same column; the attention mask hides the pads and position
 * ids come from {@code cumsum(mask) - 1}, so a padded prompt scores exactly like the same prompt alone. Each step
 * runs in its own NDManager, closed at the end of the step; only the cache and the next logits outlive it.
 */
public final class Generator {

    private final CausalLm model;

    public Generator(CausalLm model) {
        this.model = model;
    }

    /**
     * @param manager parent manager (on the model's device); everything generation allocates is freed on return
     * @param prompts token ids per row, each non-empty
     * @param rng source of the uniform draws; seed it for reproducible samples
     */
    public Generation generate(NDManager manager, List<long[]> prompts, SamplingSettings settings, Random rng) {
        int b = prompts.size();
        int promptLength = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        if (prompts.stream().anyMatch(p -> p.length == 0)) {
            throw new IllegalArgumentException("Empty prompt: start it with <|endoftext|> at least");
        }
        if (promptLength + settings.maxNewTokens() > model.config().blockSize()) {
            throw new IllegalArgumentException("Prompt + new tokens exceed the block size "
                    + model.config().blockSize());
        }
        long eos = model.config().eosTokenId(); // pads; any of eosTokenIds() ends a row
        List<Long> stops = model.config().eosTokenIds();
        long[][] prompt = new long[b][promptLength];
        long[][] promptMask = new long[b][promptLength];
        for (int i = 0; i < b; i++) {
            long[] p = prompts.get(i);
            int pad = promptLength - p.length;
            Arrays.fill(prompt[i], 0, pad, eos);
            System.arraycopy(p, 0, prompt[i], pad, p.length);
            Arrays.fill(promptMask[i], pad, promptLength, 1L);
        }
        List<long[]> maskColumns = new ArrayList<>(); // mask of each generated token fed back
        long[][] responses = new long[b][settings.maxNewTokens()];
        float[][] logProbs = new float[b][settings.maxNewTokens()];
        int[] lengths = new int[b];
        boolean[] finished = new boolean[b];
        int steps = 0;

        try (NDManager generation = manager.newSubManager()) {
            NDArray logits;
            CausalLm.KvCache cache;
            try (NDManager step = generation.newSubManager()) {
                CausalLm.Output out = model.forward(step.create(prompt), step.create(promptMask), null, null);
                logits = lastPositionLogits(out.hidden());
                logits.attach(generation);
                cache = out.cache();
                cache.attach(generation);
            }
            while (steps < settings.maxNewTokens()) {
                try (NDManager step = generation.newSubManager()) {
                    logits.attach(step); // freed with this step
                    NDArray next = Sampler.next(logits, settings, rng);
                    long[] ids = next.toLongArray();
                    float[] lp = LogProbs.ofTokens(logits, next, settings.logProbTemperature())
                            .toFloatArray();
                    long[] fedMask = new long[b];
                    for (int i = 0; i < b; i++) {
                        if (finished[i]) {
                            ids[i] = eos; // padding after EOS, hidden from attention
                            continue;
                        }
                        responses[i][steps] = ids[i];
                        logProbs[i][steps] = lp[i];
                        lengths[i]++;
                        fedMask[i] = 1;
                        finished[i] = settings.stopAtEos() && stops.contains(ids[i]);
                    }
                    steps++;
                    boolean allDone = true;
                    for (boolean f : finished) {
                        allDone &= f;
                    }
                    if (allDone || steps == settings.maxNewTokens()) {
                        break;
                    }
                    maskColumns.add(fedMask);
                    CausalLm.Output out = model.forward(
                            step.create(ids, new Shape(b, 1)),
                            step.create(fullMask(promptMask, maskColumns)),
                            null,
                            cache);
                    logits = lastPositionLogits(out.hidden());
                    logits.attach(generation);
                    CausalLm.KvCache grown = out.cache();
                    grown.attach(generation);
                    cache.close();
                    cache = grown;
                }
            }
        }
        for (int i = 0; i < b; i++) {
            responses[i] = Arrays.copyOf(responses[i], steps);
            Arrays.fill(responses[i], lengths[i], steps, eos);
            logProbs[i] = Arrays.copyOf(logProbs[i], steps);
        }
        return new Generation(prompt, promptMask, responses, logProbs, lengths);
    }

    private NDArray lastPositionLogits(NDArray hidden) {
        long b = hidden.getShape().get(0);
        return model.logits(hidden.get(":, -1:, :")).reshape(b, -1); // (B, V)
    }

    /** (B, P + steps) attention mask over the prompt and every token fed back so far. */
    private static long[][] fullMask(long[][] promptMask, List<long[]> columns) {
        long[][] mask = new long[promptMask.length][];
        for (int i = 0; i < promptMask.length; i++) {
            mask[i] = Arrays.copyOf(promptMask[i], promptMask[i].length + columns.size());
            for (int j = 0; j < columns.size(); j++) {
                mask[i][promptMask[i].length + j] = columns.get(j)[i];
            }
        }
        return mask;
    }
}
