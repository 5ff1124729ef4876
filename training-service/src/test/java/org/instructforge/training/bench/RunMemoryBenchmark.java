package org.instructforge.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.instructforge.shared.RunType;
import org.instructforge.shared.memory.ModelShape;
import org.instructforge.shared.memory.RunMemory;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.DecoderConfig;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.toolbox.AdamW;

/**
 * {@code ./forge bench memory}: the peak memory of one training step (forward, backward, AdamW, as
 * {@link ModelBenchmark#trainStep} does it) against the estimate the run form shows ({@link RunMemory}, an SFT run
 * of that batch and length). A main class, not a test: the figures go in the README.
 *
 * <p>Measured on the CPU as the process's resident memory: its peak ({@code VmHWM}, reset through
 * {@code /proc/self/clear_refs} once the engine is loaded) less what it held before the model was built. Each
 * shape runs in a JVM of its own, so that memory the allocator kept from one shape does not hide the next one's.
 * Options: {@code --threads 2}, {@code --only NAME}.
 */
public final class RunMemoryBenchmark {

    private record Case(String name, DecoderConfig config, int batch, int tokens) {}

    private static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        Path base = Path.of("../models/base/config.json");
        if (Files.isRegularFile(base)) {
            // The default model at the SFT defaults: 32 demonstrations of 128 + 96 tokens.
            cases.add(new Case(
                    "default model (SFT defaults)", GptConfig.read(base).withDropout(0f), 32, 224));
        }
        cases.add(new Case(
                "GPT-2 small 124M", new GptConfig(50257, 1024, 768, 12, 12, 3072, 1e-5f, 0f, 50256, 50256), 4, 128));
        // SmolLM2-135M's own config.json, the shape ModelBenchmark times.
        cases.add(new Case("SmolLM2-135M shape", ModelBenchmark.smolLm2(), 4, 128));
        return cases;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
        String only = opts.get("only");
        if (only == null) {
            System.out.println("Peak memory of one training step (forward, backward, AdamW; fp32, CPU, " + threads
                    + " threads) against the run form's estimate");
            System.out.println(String.format(
                    Locale.ROOT,
                    "%-30s %12s %8s %11s %11s %11s %11s %11s %7s",
                    "model",
                    "parameters",
                    "batch",
                    "weights",
                    "activ. est",
                    "estimate",
                    "measured",
                    "of which",
                    "meas/est"));
            for (Case c : cases()) {
                // One JVM per shape (see the class comment), with the same options as this one.
                List<String> command = new ArrayList<>(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx1g",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RunMemoryBenchmark.class.getName()));
                command.add("--only");
                command.add(c.name());
                command.add("--threads");
                command.add(Integer.toString(threads));
                Process p =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                out.lines().filter(l -> l.startsWith("ROW ")).forEach(l -> System.out.println(l.substring(4)));
                if (p.exitValue() != 0) {
                    System.out.println(c.name() + ": failed\n" + out);
                }
            }
            return;
        }
        ComputeDevice.useThreads(threads);
        Case c = cases().stream().filter(x -> x.name().equals(only)).findFirst().orElseThrow();
        System.out.println("ROW " + measure(c));
    }

    private static String measure(Case c) throws IOException {
        Engine.getInstance().setRandomSeed(0);
        ComputeDevice.prepareThread();
        ModelShape shape = c.config().shape();
        RunMemory estimate = RunMemory.estimate(
                RunType.SFT,
                Map.of("batchSize", c.batch(), "maxPromptTokens", c.tokens(), "maxResponseTokens", 0),
                shape,
                null);
        long before;
        long peak;
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            // The engine is loaded and a tiny tensor made: what is resident now is not the run's.
            manager.zeros(new ai.djl.ndarray.types.Shape(1)).close();
            before = kib("VmRSS");
            resetPeak();
            CausalLm model = c.config().newModel(false);
            model.initialize(manager); // weights and their gradient buffers
            AdamW adamW = new AdamW(model.parametersByName(), AdamW.Settings.instructGpt(0.01f), manager);
            long[][] batch =
                    tokens(new Random(1), c.batch(), c.tokens(), c.config().vocabSize());
            ModelBenchmark.trainStep(model, adamW, manager, batch);
            peak = kib("VmHWM");
        }
        long measured = (peak - before) * 1024;
        return String.format(
                Locale.ROOT,
                "%-30s %12s %8s %11s %11s %11s %11s %11s %7.2f",
                c.name(),
                ModelShape.formatCount(shape.parameters()),
                c.batch() + "x" + c.tokens(),
                RunMemory.formatBytes(estimate.weightBytes()),
                RunMemory.formatBytes(estimate.activationBytes()),
                RunMemory.formatBytes(estimate.totalBytes()),
                RunMemory.formatBytes(measured),
                "act~"
                        + RunMemory.formatBytes(Math.max(
                                0,
                                measured
                                        - estimate.weightBytes()
                                        - estimate.gradientBytes()
                                        - estimate.optimizerBytes())),
                (double) measured / estimate.totalBytes());
    }

    private static long[][] tokens(Random random, int batch, int length, int vocab) {
        long[][] out = new long[batch][length];
        for (long[] row : out) {
            for (int t = 0; t < length; t++) {
                row[t] = random.nextInt(vocab);
            }
        }
        return out;
    }

    /** Linux: writing 5 to clear_refs resets the peak resident size (VmHWM) to the current one. */
    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    private static long kib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IOException("no " + field + " in /proc/self/status");
    }
}
