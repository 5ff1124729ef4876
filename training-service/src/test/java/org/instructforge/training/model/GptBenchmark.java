package org.instructforge.training.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Timings for NOTES.md on a GPT-2-small-shaped model with random weights (not a test: timings are not assertions).
 * Run: java -cp target/classes:target/test-classes:$(deps) -Dai.djl.offline=true org...GptBenchmark
 */
public final class GptBenchmark {

    public static void main(String[] args) throws Exception {
        GptConfig config = GptConfig.gpt2Small().withDropout(0f);
        Random rng = new Random(0);
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            System.out.println("device " + manager.getDevice() + ", engine "
                    + Engine.getInstance().getVersion());
            Gpt gpt = new Gpt(config);
            gpt.initialize(manager);
            for (int b : new int[] {1, 8}) {
                long[][] tokens = random(rng, b, 128, config.vocabSize());
                double ms = time(5, () -> {
                    try (NDManager step = manager.newSubManager()) {
                        gpt.logits(gpt.forward(step.create(tokens), null, null, null)
                                        .hidden())
                                .getFloat(0, 0, 0);
                    }
                });
                System.out.printf("forward+logits B=%d T=128: %.0f ms%n", b, ms);
            }
            List<long[]> prompts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                prompts.add(random(rng, 1, 16, config.vocabSize())[0]);
            }
            Generator generator = new Generator(gpt);
            SamplingSettings sampling = new SamplingSettings(64, 1f, 0, 1f, false);
            double genMs = time(2, () -> generator.generate(manager, prompts, sampling, new Random(1)));
            System.out.printf(
                    "generate B=8, prompt 16, 64 new tokens (KV cache): %.0f ms, %.0f tokens/s%n",
                    genMs, 8 * 64 / genMs * 1000);

            Optimizer adam = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(1e-4f))
                    .build();
            long[][] batch = random(rng, 4, 128, config.vocabSize());
            double trainMs = time(3, () -> {
                try (NDManager step = manager.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ParameterStore ps = new ParameterStore(step, false);
                    NDArray x = step.create(batch);
                    NDArray logits = gpt.logits(
                                    ps,
                                    gpt.forward(ps, x, null, null, null, true).hidden())
                            .get(new NDIndex(":, :-1, :"));
                    gc.backward(LogProbs.ofTokens(logits, x.get(new NDIndex(":, 1:")), 1f)
                            .neg()
                            .mean());
                    for (Parameter p : gpt.parametersByName().values()) {
                        adam.update(p.getId(), p.getArray(), p.getArray().getGradient());
                    }
                }
            });
            System.out.printf("train step (fwd+bwd+AdamW) B=4 T=128: %.0f ms%n", trainMs);

            Path dir = Files.createTempDirectory("gpt2-bench");
            long t0 = System.nanoTime();
            HfCheckpoint.save(gpt, dir, null);
            long t1 = System.nanoTime();
            try (NDManager other = NDManager.newBaseManager()) {
                HfCheckpoint.load(dir, other, false);
            }
            long t2 = System.nanoTime();
            System.out.printf(
                    "save %.0f MB: %.1f s, load: %.1f s%n",
                    Files.size(dir.resolve("model.safetensors")) / 1e6, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            Files.delete(dir.resolve("model.safetensors"));
            Files.delete(dir.resolve("config.json"));
            Files.delete(dir);
        }
    }

    private static long[][] random(Random rng, int rows, int length, int vocab) {
        long[][] out = new long[rows][length];
        for (long[] row : out) {
            for (int j = 0; j < length; j++) {
                row[j] = rng.nextInt(vocab);
            }
        }
        return out;
    }

    /** Mean of `runs` timed runs after one warm-up, in ms. */
    private static double time(int runs, Runnable r) {
        r.run();
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }
}
