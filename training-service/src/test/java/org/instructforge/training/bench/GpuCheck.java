package org.instructforge.training.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.LogProbs;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.toolbox.AdamW;

/**
 * What {@code scripts/gpu-check.sh} runs on a CUDA machine: does the model core load, pick the GPU and compute the
 * same numbers there as on the CPU? Every check prints one {@code CHECK name: OK|FAIL|SKIP detail} line and a failure
 * never stops the next check, so one run tells everything that worked and everything that did not. Exit status 0 iff
 * every check passed (a machine without a GPU skips the GPU checks and says so).
 *
 * <p>Options: {@code --big} also times GPT-2-small training steps on the chosen device; {@code --require-gpu} makes
 * "no GPU found" a failure (the script passes it when Python torch sees CUDA).
 */
public final class GpuCheck {

    /** Small enough to run in a second anywhere, with several heads and layers so attention and the cache matter. */
    private static final GptConfig TINY = new GptConfig(96, 32, 64, 2, 4, 256, 1e-5f, 0f, 95, 95);

    private static final float TOLERANCE = 1e-3f;

    private static int failures;

    public static void main(String[] args) throws Exception {
        boolean big = List.of(args).contains("--big");
        boolean requireGpu = List.of(args).contains("--require-gpu");
        check(
                "engine",
                () -> Engine.getInstance().getEngineName() + " "
                        + Engine.getInstance().getVersion()
                        + ", java " + System.getProperty("java.version") + ", PYTORCH_LIBRARY_PATH="
                        + System.getenv("PYTORCH_LIBRARY_PATH") + ", PYTORCH_FLAVOR="
                        + System.getenv("PYTORCH_FLAVOR"));
        if (failures > 0) {
            System.out.println("GPU CHECK FAILED: the engine did not load, nothing else can run");
            System.exit(2);
        }
        int[] gpus = {0};
        check("gpu-count", () -> {
            gpus[0] = Engine.getInstance().getGpuCount();
            return gpus[0] + " GPU(s)";
        });
        boolean gpuWorks = false;
        if (requireGpu || gpus[0] > 0) {
            // Independent of DJL's GPU count (CudaUtils finds libcudart through JNA): can libtorch compute on cuda:0?
            gpuWorks = check("gpu-direct", () -> {
                try (NDManager m = NDManager.newBaseManager(Device.gpu())) {
                    NDArray a = m.arange(0f, 4f).reshape(2, 2);
                    float[] product = a.matMul(a).toFloatArray(); // [[2, 3], [6, 11]]
                    if (product[3] != 11f) {
                        throw new IllegalStateException("wrong product " + Arrays.toString(product));
                    }
                    return "matmul on " + a.getDevice() + " = " + Arrays.toString(product);
                }
            });
        }
        Device[] device = {Device.cpu()};
        check("device-pick", () -> {
            device[0] = ComputeDevice.pick();
            if ((gpus[0] > 0 || requireGpu) && !device[0].isGpu()) {
                throw new IllegalStateException("a GPU is there but ComputeDevice.pick() chose " + device[0]);
            }
            return "ComputeDevice.pick() = " + device[0];
        });
        if (!device[0].isGpu() && gpuWorks) {
            device[0] = Device.gpu();
            System.out.println("(continuing on " + device[0] + " although pick() did not choose it)");
        }
        boolean onGpu = device[0].isGpu();

        Path dir = Files.createTempDirectory("gpu-check");
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(0);
            CausalLm cpuModel = new Gpt(TINY);
            cpuModel.initialize(cpu);
            HfCheckpoint.save(cpuModel, dir, null);
            long[][] tokens = tokens(new Random(1), 3, 20);
            float[] cpuLogits;
            float[] cpuGrad;
            try (NDManager step = cpu.newSubManager()) {
                NDArray logits = cpuModel.logits(
                        cpuModel.forward(step.create(tokens), null, null, null).hidden());
                cpuLogits = logits.toFloatArray();
            }
            cpuGrad = lossGradient(cpuModel, cpu, tokens, "h.0.attn.c_attn.weight");
            List<long[]> prompts = List.of(new long[] {1, 2, 3}, new long[] {4, 5});
            long[][] cpuGreedy = new Generator(cpuModel)
                    .generate(cpu, prompts, SamplingSettings.greedy(8), new Random(3))
                    .responses();

            if (!onGpu) {
                skip("gpu-forward", "no GPU: forward/backward/generate checks ran on the CPU only");
            }
            Device target = device[0];
            try (NDManager gpu = NDManager.newBaseManager(target)) {
                CausalLm[] model = {null};
                check("load-on-device", () -> {
                    model[0] = HfCheckpoint.load(dir, gpu, false);
                    return "checkpoint loaded on "
                            + model[0].parametersByName()
                                    .get("wte.weight")
                                    .getArray()
                                    .getDevice();
                });
                check("forward-logits", () -> {
                    try (NDManager step = gpu.newSubManager()) {
                        NDArray logits = model[0].logits(model[0].forward(step.create(tokens), null, null, null)
                                .hidden());
                        return compare("logits " + logits.getDevice() + " vs cpu", logits.toFloatArray(), cpuLogits);
                    }
                });
                check(
                        "backward-gradient",
                        () -> compare(
                                "d loss / d h.0.attn.c_attn.weight",
                                lossGradient(model[0], gpu, tokens, "h.0.attn.c_attn.weight"),
                                cpuGrad));
                check("adamw-step", () -> {
                    AdamW adamW = new AdamW(model[0].parametersByName(), AdamW.Settings.instructGpt(0f), gpu);
                    float before = loss(model[0], gpu, tokens);
                    for (int i = 0; i < 5; i++) {
                        trainStep(model[0], adamW, gpu, tokens);
                    }
                    float after = loss(model[0], gpu, tokens);
                    if (!(after < before)) {
                        throw new IllegalStateException("loss did not fall: " + before + " -> " + after);
                    }
                    return "loss " + before + " -> " + after + " after 5 AdamW steps";
                });
                check("generate-kv-cache", () -> {
                    CausalLm fresh = HfCheckpoint.load(dir, gpu, false);
                    long[][] greedy = new Generator(fresh)
                            .generate(gpu, prompts, SamplingSettings.greedy(8), new Random(3))
                            .responses();
                    if (!Arrays.deepEquals(greedy, cpuGreedy)) {
                        throw new IllegalStateException("greedy tokens differ: " + Arrays.deepToString(greedy)
                                + " vs cpu " + Arrays.deepToString(cpuGreedy));
                    }
                    return "greedy tokens equal the CPU's: " + Arrays.deepToString(greedy);
                });
                if (big) {
                    check("gpt2-small-train-step", () -> bigStep(gpu));
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        System.out.println(failures == 0 ? "GPU CHECK PASSED" : "GPU CHECK FAILED: " + failures + " check(s)");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String bigStep(NDManager manager) {
        GptConfig config = GptConfig.gpt2Small().withDropout(0f);
        try (NDManager m = manager.newSubManager()) {
            CausalLm gpt = new Gpt(config);
            gpt.initialize(m);
            AdamW adamW = new AdamW(gpt.parametersByName(), AdamW.Settings.instructGpt(0.01f), m);
            List<String> ms = new ArrayList<>();
            for (int[] shape : new int[][] {{4, 128}, {8, 512}}) {
                long[][] batch = tokens(new Random(2), shape[0], shape[1], config.vocabSize());
                for (int i = 0; i < 2; i++) {
                    ModelBenchmark.trainStep(gpt, adamW, m, batch);
                }
                long start = System.nanoTime();
                int steps = 5;
                for (int i = 0; i < steps; i++) {
                    ModelBenchmark.trainStep(gpt, adamW, m, batch);
                }
                double msPerStep = (System.nanoTime() - start) / 1e6 / steps;
                ms.add(String.format(
                        "%dx%d: %.0f ms/step, %.0f tokens/s",
                        shape[0], shape[1], msPerStep, shape[0] * shape[1] / msPerStep * 1e3));
            }
            return "GPT-2 small on " + m.getDevice() + ": " + String.join("; ", ms);
        }
    }

    private static float[] lossGradient(CausalLm gpt, NDManager manager, long[][] tokens, String parameter) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ParameterStore ps = new ParameterStore(step, false);
            collector.backward(nll(gpt, ps, step.create(tokens)));
            Parameter p = gpt.parametersByName().get(parameter);
            float[] grad = p.getArray().getGradient().toFloatArray();
            for (Parameter q : gpt.parametersByName().values()) {
                q.getArray().getGradient().subi(q.getArray().getGradient()); // leave no gradient behind
            }
            return grad;
        }
    }

    private static void trainStep(CausalLm gpt, AdamW optimizer, NDManager manager, long[][] tokens) {
        ModelBenchmark.trainStep(gpt, optimizer, manager, tokens);
    }

    private static float loss(CausalLm gpt, NDManager manager, long[][] tokens) {
        try (NDManager step = manager.newSubManager()) {
            return nll(gpt, new ParameterStore(step, false), step.create(tokens))
                    .getFloat();
        }
    }

    private static NDArray nll(CausalLm gpt, ParameterStore ps, NDArray x) {
        NDArray logits = gpt.logits(
                        ps, gpt.forward(ps, x, null, null, null, true).hidden())
                .get(new NDIndex(":, :-1, :"));
        return LogProbs.ofTokens(logits, x.get(new NDIndex(":, 1:")), 1f).neg().mean();
    }

    private static String compare(String what, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalStateException(what + ": " + actual.length + " values vs " + expected.length);
        }
        float worst = 0;
        int nonFinite = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Float.isFinite(actual[i]) || !Float.isFinite(expected[i])) {
                nonFinite++;
                continue;
            }
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        if (nonFinite > 0) {
            throw new IllegalStateException(what + ": " + nonFinite + " non-finite values (device " + count(actual)
                    + ", cpu " + count(expected) + ")");
        }
        if (!(worst <= TOLERANCE)) {
            throw new IllegalStateException(what + ": max |diff| " + worst + " > " + TOLERANCE);
        }
        return what + ": max |diff| " + worst + " over " + actual.length + " values";
    }

    private static int count(float[] values) {
        int n = 0;
        for (float v : values) {
            n += Float.isFinite(v) ? 0 : 1;
        }
        return n;
    }

    private static long[][] tokens(Random rng, int rows, int length) {
        return tokens(rng, rows, length, TINY.vocabSize());
    }

    private static long[][] tokens(Random rng, int rows, int length, int vocab) {
        long[][] out = new long[rows][length];
        for (long[] row : out) {
            for (int j = 0; j < length; j++) {
                row[j] = rng.nextInt(vocab);
            }
        }
        return out;
    }

    private static boolean check(String name, Callable<String> body) {
        try {
            System.out.println("CHECK " + name + ": OK " + body.call());
            return true;
        } catch (Throwable e) {
            failures++;
            System.out.println("CHECK " + name + ": FAIL " + e);
            e.printStackTrace(System.out);
            return false;
        }
    }

    private static void skip(String name, String why) {
        System.out.println("CHECK " + name + ": SKIP " + why);
    }
}
