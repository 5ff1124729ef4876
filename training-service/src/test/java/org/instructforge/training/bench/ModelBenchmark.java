package org.instructforge.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.DecoderConfig;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.model.LogProbs;
import org.instructforge.training.model.ModelArchitectures;
import org.instructforge.training.model.Sampler;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.toolbox.AdamW;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./forge bench model}: the model core's figures for the README (a main class, not a test: timings are never
 * assertions).
 *
 * <ol>
 *   <li>Training step (forward, backward, AdamW) on the default model's shape, on GPT-2 small (124M) and on
 *       SmolLM2-135M's Llama shape ({@code bench/smollm2-135m-config.json}: GQA 9/3 heads, SwiGLU, RMSNorm, RoPE, tied
 *       embeddings; random weights), DJL against the same model in Python PyTorch ({@code
 *       src/test/python/bench_reference.py}; the Llama side is the parity tests' {@code llama_reference.py}), run in
 *       turn in this run with the same batch, sequence length and thread count: median ms per step after warm-up
 *       steps, tokens/s, ratio.
 *   <li>Generation with and without the KV cache, batch 1 and 16, 128 new tokens, default-model shape; SmolLM2-135M
 *       with the cache at batch 1 and 16. "Without" is written out here: every step recomputes the full forward over
 *       the whole sequence.
 * </ol>
 *
 * <p>Options (all optional): {@code --config models/base/config.json} (the default model; a built-in shape when the
 * file is missing), {@code --python /usr/bin/python3}, {@code --reference path/to/bench_reference.py} ({@code
 * --python none} skips PyTorch), {@code --threads 2}, {@code --warmup 2}, {@code --steps 5}, {@code --gen-runs 3},
 * {@code --only train|generate}, {@code --shapes default,gpt2-small,smollm2-135m} (the models measured; all by default).
 */
public final class ModelBenchmark {

    /** When models/base/config.json is not there yet: the shape the project's base model is meant to have. */
    private static final GptConfig FALLBACK_DEFAULT = new GptConfig(2048, 256, 256, 6, 8, 1024, 1e-5f, 0f, 0, 0);

    private static final int NEW_TOKENS = 128;
    private static final int PROMPT_LENGTH = 16;

    /** SmolLM2-135M's config.json (HuggingFaceTB/SmolLM2-135M), the Llama-family shape the issue benchmarks. */
    private static final String SMOLLM2_CONFIG = "/bench/smollm2-135m-config.json";

    /** The models {@code --shapes} chooses from, in the order they are measured. */
    static final List<String> SHAPES = List.of("default", "gpt2-small", "smollm2-135m");

    private record TrainShape(String name, DecoderConfig config, int batch, int seq) {}

    /**
     * A generation measurement: the model shape, its batch sizes, the timed runs per cell, and whether to time the
     * cache-less loop too (minutes per run for the larger shapes).
     */
    private record GenerationShape(String name, DecoderConfig config, int[] batches, int runs, boolean withoutCache) {}

    private record StepTiming(double msPerStep, double tokensPerSecond, long parameters, String detail) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "2"));
        int steps = Integer.parseInt(opts.getOrDefault("steps", "5"));
        int genRuns = Integer.parseInt(opts.getOrDefault("gen-runs", "3"));
        String only = opts.getOrDefault("only", "all");
        List<String> measured;
        try {
            measured = shapes(opts.getOrDefault("shapes", String.join(",", SHAPES)));
        } catch (IllegalArgumentException e) {
            System.err.println("forge bench model: " + e.getMessage());
            System.exit(2);
            return;
        }
        ComputeDevice.useThreads(threads); // before anything loads the engine

        Path configPath = Path.of(opts.getOrDefault("config", "../models/base/config.json"));
        GptConfig defaultModel;
        String defaultSource;
        if (Files.isRegularFile(configPath)) {
            defaultModel = GptConfig.read(configPath).withDropout(0f);
            defaultSource = configPath.toString();
        } else {
            defaultModel = FALLBACK_DEFAULT;
            defaultSource = "built-in d=256 L=6 h=8 V=2048 T=256 (" + configPath + " not found)";
        }
        DecoderConfig smolLm2 = smolLm2();
        List<TrainShape> shapes = List.of(
                        new TrainShape("default", defaultModel, 8, Math.min(256, defaultModel.blockSize())),
                        new TrainShape("gpt2-small", GptConfig.gpt2Small().withDropout(0f), 4, 128),
                        new TrainShape("smollm2-135m", smolLm2, 4, 128))
                .stream()
                .filter(shape -> measured.contains(shape.name()))
                .toList();

        System.out.printf(
                "machine: %d cores (%s), JVM %s, DJL engine %s %s on %s%n",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("java.version"),
                Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(),
                ComputeDevice.pick());
        System.out.printf(
                "threads: DJL libtorch intra-op %d, inter-op %d; PyTorch set_num_threads(%d),"
                        + " set_num_interop_threads(1), OMP_NUM_THREADS=%d%n",
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), threads, threads);
        System.out.println("MKL vendor dispatch: "
                + (System.getenv().getOrDefault("LD_PRELOAD", "").contains("mkl_intel_dispatch")
                        ? "shim preloaded (forge, AMD with AVX-512): MKL uses its AVX-512 kernels"
                        : "as shipped (on AMD, MKL takes its AVX2 path)"));
        System.out.println("load average at start: " + loadAverage());
        System.out.println("default model: " + defaultSource + "; dropout 0 on both sides");

        if (!only.equals("generate")) {
            String python = opts.getOrDefault("python", "/usr/bin/python3");
            String reference = opts.getOrDefault("reference", "src/test/python/bench_reference.py");
            List<String[]> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (TrainShape shape : shapes) {
                StepTiming djl = timeDjlStep(shape, warmup, steps);
                System.out.printf("  DJL     %-10s %s%n", shape.name(), djl.detail());
                StepTiming torch = python.equals("none")
                        ? null
                        : timePythonStep(python, reference, shape, warmup, steps, threads, notes);
                if (torch != null) {
                    System.out.printf("  PyTorch %-10s %s%n", shape.name(), torch.detail());
                }
                rows.add(new String[] {
                    shape.name(),
                    String.format("%.1fM", djl.parameters() / 1e6),
                    shape.batch() + "x" + shape.seq(),
                    String.format("%.0f", djl.msPerStep()),
                    torch == null ? "n/a" : String.format("%.0f", torch.msPerStep()),
                    torch == null ? "n/a" : String.format("%.2fx", djl.msPerStep() / torch.msPerStep()),
                    String.format("%.0f", djl.tokensPerSecond()),
                    torch == null ? "n/a" : String.format("%.0f", torch.tokensPerSecond())
                });
            }
            System.out.println();
            System.out.println("Training step (forward + backward + AdamW), CPU, median of " + steps + " steps after "
                    + warmup + " warm-up steps; ratio = DJL ms / PyTorch ms (target <= 1.10x)");
            table(
                    new String[] {
                        "model",
                        "params",
                        "batch x seq",
                        "DJL ms/step",
                        "PyTorch ms/step",
                        "ratio",
                        "DJL tokens/s",
                        "PyTorch tokens/s"
                    },
                    rows);
            notes.forEach(n -> System.out.println("  " + n));
        }

        if (!only.equals("train")) {
            System.out.println();
            // GPT-2 small at batch 1 only, one timed run: without the cache, its batch 16 takes minutes per run.
            generationTable(List.of(
                            new GenerationShape("default", defaultModel, new int[] {1, 16}, genRuns, true),
                            new GenerationShape(
                                    "gpt2-small", GptConfig.gpt2Small().withDropout(0f), new int[] {1}, 1, true),
                            new GenerationShape("smollm2-135m", smolLm2, new int[] {1, 16}, 1, false))
                    .stream()
                    .filter(shape -> measured.contains(shape.name()))
                    .toList());
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** Median wall time of `steps` training steps after `warmup` untimed ones, on freshly initialised weights. */
    static StepTiming timeDjlStep(TrainShape shape, int warmup, int steps) {
        DecoderConfig config = shape.config();
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            Engine.getInstance().setRandomSeed(0);
            CausalLm gpt = config.newModel(false);
            gpt.initialize(manager);
            AdamW adamW = new AdamW(gpt.parametersByName(), AdamW.Settings.instructGpt(0.01f), manager);
            long[][] batch = randomTokens(new Random(1), shape.batch(), shape.seq(), config.vocabSize());
            double[] ms = new double[steps];
            for (int i = -warmup; i < steps; i++) {
                long start = System.nanoTime();
                trainStep(gpt, adamW, manager, batch);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            double median = median(ms);
            return new StepTiming(
                    median,
                    shape.batch() * shape.seq() / median * 1e3,
                    gpt.parametersByName().values().stream()
                            .mapToLong(p -> p.getArray().size())
                            .sum(),
                    "step ms "
                            + Arrays.toString(Arrays.stream(ms).map(Math::rint).toArray()));
        }
    }

    /**
     * One step as the trainers do it: a step manager, a GradientCollector, next-token NLL, then the trainers' own
     * {@link AdamW} (global-norm clip at 1, decay on matrices and embeddings) once the collector is closed.
     */
    static float trainStep(CausalLm gpt, AdamW optimizer, NDManager manager, long[][] batch) {
        float loss;
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ParameterStore ps = new ParameterStore(step, false);
            NDArray x = step.create(batch);
            NDArray logits = gpt.logits(
                            ps, gpt.forward(ps, x, null, null, null, true).hidden())
                    .get(new NDIndex(":, :-1, :")); // (B, T-1, V)
            NDArray nll = LogProbs.ofTokens(logits, x.get(new NDIndex(":, 1:")), 1f)
                    .neg()
                    .mean();
            collector.backward(nll);
            loss = nll.getFloat(); // waits for the step, like loss.item() in Python
        }
        optimizer.step(1e-4f);
        return loss;
    }

    private static StepTiming timePythonStep(
            String python, String reference, TrainShape shape, int warmup, int steps, int threads, List<String> notes)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, reference));
        command.addAll(modelArguments(shape.config()));
        command.addAll(List.of(
                "--batch",
                "" + shape.batch(),
                "--seq",
                "" + shape.seq(),
                "--warmup",
                "" + warmup,
                "--steps",
                "" + steps,
                "--threads",
                "" + threads));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        // forge's MKL shim is for libtorch inside this JVM; the reference runs OpenBLAS and keeps its own setup.
        builder.environment()
                .computeIfPresent(
                        "LD_PRELOAD",
                        (k, v) -> String.join(
                                ":",
                                Arrays.stream(v.split(":"))
                                        .filter(lib -> !lib.contains("mkl_intel_dispatch"))
                                        .toList()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            notes.add("PyTorch not run: " + e.getMessage());
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            notes.add("PyTorch reference failed (exit " + process.exitValue() + "): " + String.join(" ", command));
            return null;
        }
        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        String blas = "PyTorch " + json.path("torch").asString() + ": BLAS build="
                + json.path("blas").path("build").asString() + ", loaded "
                + json.path("blas").path("libraries") + ", intra-op threads "
                + json.path("intra_op_threads").asInt() + ", inter-op "
                + json.path("inter_op_threads").asInt();
        if (!notes.contains(blas)) {
            notes.add(blas);
        }
        return new StepTiming(
                json.path("ms_per_step").asDouble(),
                json.path("tokens_per_s").asDouble(),
                json.path("parameters").asLong(),
                "step ms " + json.path("step_ms"));
    }

    /** The reference's model options: GPT-2's sizes, or a Llama-family config.json it builds the model from. */
    private static List<String> modelArguments(DecoderConfig config) throws IOException {
        if (config instanceof GptConfig c) {
            return List.of(
                    "--embd", "" + c.nEmbd(),
                    "--layers", "" + c.nLayer(),
                    "--heads", "" + c.nHead(),
                    "--vocab", "" + c.vocabSize(),
                    "--block", "" + c.blockSize());
        }
        Path json = Files.createTempFile("bench-config", ".json");
        json.toFile().deleteOnExit();
        config.write(json);
        return List.of("--config", json.toString());
    }

    /** SmolLM2-135M's shape, dropout off as on the default model. */
    static DecoderConfig smolLm2() throws IOException {
        Path json = Files.createTempFile("smollm2-135m", ".json");
        json.toFile().deleteOnExit();
        try (var in = ModelBenchmark.class.getResourceAsStream(SMOLLM2_CONFIG)) {
            Files.write(json, in.readAllBytes());
        }
        return ModelArchitectures.readConfig(json).withDropout(0f);
    }

    private static void generationTable(List<GenerationShape> shapes) {
        System.out.println("Generation, prompt " + PROMPT_LENGTH + " tokens + " + NEW_TOKENS
                + " new tokens, sampling at temperature 1 (no EOS stop), median of the timed runs after a warm-up;"
                + " tokens/s counts new tokens of all rows");
        List<String[]> rows = new ArrayList<>();
        for (GenerationShape shape : shapes) {
            DecoderConfig config = shape.config();
            try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
                Engine.getInstance().setRandomSeed(0);
                CausalLm gpt = config.newModel(false);
                gpt.initialize(manager);
                SamplingSettings sampling = new SamplingSettings(NEW_TOKENS, 1f, 0, 1f, false);
                Generator generator = new Generator(gpt);
                for (int b : shape.batches()) {
                    long[][] prompts = randomTokens(new Random(b), b, PROMPT_LENGTH, config.vocabSize());
                    List<long[]> promptList = Arrays.asList(prompts);
                    double cached = medianMs(
                            shape.runs(), () -> generator.generate(manager, promptList, sampling, new Random(2)));
                    double full = shape.withoutCache()
                            ? medianMs(
                                    shape.runs(),
                                    () -> generateWithoutCache(gpt, manager, prompts, sampling, new Random(2)))
                            : Double.NaN;
                    rows.add(new String[] {
                        shape.name(),
                        "" + b,
                        "" + shape.runs(),
                        String.format("%.0f", cached),
                        String.format("%.0f", b * NEW_TOKENS / cached * 1e3),
                        shape.withoutCache() ? String.format("%.0f", full) : "not run",
                        shape.withoutCache() ? String.format("%.0f", b * NEW_TOKENS / full * 1e3) : "",
                        shape.withoutCache() ? String.format("%.1fx", full / cached) : ""
                    });
                }
            }
        }
        table(
                new String[] {
                    "model",
                    "batch",
                    "runs",
                    "KV cache ms",
                    "KV cache tokens/s",
                    "no cache ms",
                    "no cache tokens/s",
                    "speed-up"
                },
                rows);
    }

    /**
     * The same loop as {@link Generator} minus the cache: every step runs the full forward over prompt + everything
     * generated so far and reads the last position, with the same mask, sampler and log-prob calls.
     */
    static long[][] generateWithoutCache(
            CausalLm gpt, NDManager manager, long[][] prompts, SamplingSettings settings, Random rng) {
        int b = prompts.length;
        int p = prompts[0].length;
        long[][] sequence = new long[b][p + settings.maxNewTokens()];
        for (int i = 0; i < b; i++) {
            System.arraycopy(prompts[i], 0, sequence[i], 0, p);
        }
        for (int s = 0; s < settings.maxNewTokens(); s++) {
            int length = p + s;
            try (NDManager step = manager.newSubManager()) {
                long[][] tokens = new long[b][];
                long[][] mask = new long[b][length];
                for (int i = 0; i < b; i++) {
                    tokens[i] = Arrays.copyOf(sequence[i], length);
                    Arrays.fill(mask[i], 1L);
                }
                CausalLm.Output out = gpt.forward(step.create(tokens), step.create(mask), null, null);
                NDArray logits = gpt.logits(out.hidden().get(":, -1:, :")).reshape(b, -1); // (B, V)
                NDArray next = Sampler.next(logits, settings, rng);
                long[] ids = next.toLongArray();
                LogProbs.ofTokens(logits, next, settings.logProbTemperature()).toFloatArray();
                for (int i = 0; i < b; i++) {
                    sequence[i][length] = ids[i];
                }
            }
        }
        return sequence;
    }

    private static double medianMs(int runs, Runnable r) {
        r.run(); // warm-up
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(ms);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long[][] randomTokens(Random rng, int rows, int length, int vocab) {
        long[][] out = new long[rows][length];
        for (long[] row : out) {
            for (int j = 0; j < length; j++) {
                row[j] = rng.nextInt(vocab);
            }
        }
        return out;
    }

    private static void table(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder line = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < header.length; i++) {
            line.append(' ').append(pad(header[i], width[i])).append(" |");
            rule.append(' ').append("-".repeat(width[i])).append(" |");
        }
        System.out.println(line);
        System.out.println(rule);
        for (String[] row : rows) {
            StringBuilder r = new StringBuilder("|");
            for (int i = 0; i < row.length; i++) {
                r.append(' ').append(pad(row[i], width[i])).append(" |");
            }
            System.out.println(r);
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    /**
     * The models named by {@code --shapes} (comma-separated): an unknown name is refused with the known ones, never
     * left to measure nothing.
     */
    static List<String> shapes(String value) {
        List<String> names =
                List.of(value.split(",")).stream().map(String::strip).toList();
        List<String> unknown =
                names.stream().filter(name -> !SHAPES.contains(name)).toList();
        if (unknown.isEmpty() && !names.isEmpty()) {
            return names;
        }
        throw new IllegalArgumentException("--shapes " + value + ": unknown model "
                + String.join(", ", unknown.isEmpty() ? List.of("(none)") : unknown) + "; known: "
                + String.join(", ", SHAPES));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --option value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }
}
