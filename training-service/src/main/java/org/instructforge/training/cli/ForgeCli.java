package org.instructforge.training.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.crowd.Crowd;
import org.instructforge.training.experiment.Experiment;
import org.instructforge.training.experiment.ExperimentSettings;
import org.instructforge.training.experiment.World;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.pretrain.PretrainSettings;
import org.instructforge.training.pretrain.Pretrainer;
import org.instructforge.training.rlhf.Checkpoints;
import org.instructforge.training.rlhf.SettingsOverrides;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ML engineer's command line, without Spring: {@code pretrain}, {@code generate} and {@code logits}. The
 * {@code forge} script runs it from the training-service jar. Bad arguments exit with status 2 and a message on
 * stderr; results go to stdout.
 */
public final class ForgeCli {

    static final String USAGE = """
            usage: forge <command> [options]

              pretrain [--out DIR] [--threads N] [--steps N] [--seed S] [--<setting> VALUE ...]
                  generate the instruction corpus, train its tokenizer and a small GPT from scratch,
                  save a Hugging Face directory (default models/base) with a model card.
                  Settings (PretrainSettings): --n-layer --n-embd --n-head --block-size --batch-size
                  --learning-rate --warmup-steps --train-examples --vocab-size --eval-tasks ...
              generate --model DIR --prompt TEXT [--greedy | --temperature T --top-p P --top-k K]
                       [--max-new-tokens N] [--seed S] [--raw]
                  answer a prompt; it is wrapped in the chat template (User: ... Assistant:) unless --raw.
                  Sampling defaults: temperature 0.8, top-p 0.95, seed 0, 64 new tokens.
              logits --model DIR --text TEXT
                  print as JSON the token ids of TEXT and the 10 highest next-token logits after it.
              experiment [--quick] [--out DIR] [--model DIR] [--threads N] [--ppo-iterations N]
                         [--ptx-coef G] [--ema-decay D] [--ppo NAME=VALUE,...] [--reward NAME=VALUE,...]
                         [--dpo NAME=VALUE,...]
                         [--ppo-prompts N] [--set NAME=VALUE,...]
                         [--resume | --fresh] [--oracle-reward]
                  the InstructGPT loop with simulated labelers: SFT -> reward model -> PPO (and DPO on the
                  same rankings) -> win rates against SFT on held-out prompts. Writes report.md, PNG charts and summary.json to
                  DIR (default data/experiments/full, or .../quick). --quick is the few-minute CI variant.
                  An existing DIR needs --resume (continue a killed run) or --fresh (start over).
                  --ppo, --reward and --dpo set the trainers' settings by name (e.g. --dpo loss=ipo;
                  --ppo rolloutBatch=256,miniBatch=64,targetKl=0);
                  --ppo-prompts sizes the PPO prompt set; --set sets the experiment's own sizes by name
                  (e.g. --set rankingPrompts=15000,sftPrompts=3000).
                  --oracle-reward (diagnostic): PPO optimises the noiseless judge instead of the reward model.
              crowd [--url URL] [--labelers N] [--agreement A] [--slip-rate R] [--think-ms MS] [--minutes M]
                    [--count N] [--seed S] [--prefix NAME]
                  a simulated crowd against a running labeling-web (default $FORGE_URL or http://localhost:8080),
                  through its public API only: the admin ($FORGE_ADMIN / $FORGE_ADMIN_PASSWORD, default the demo
                  admin) creates N labeler accounts (default 4), each sets its password on its invitation link,
                  then they write demonstrations, rank candidates (Likert scores, metadata flags) and judge
                  comparisons of the world's prompts (--count and --seed as given to world prompts) at agreement A
                  (default 0.73), thinking about MS ms per task (default 2000), until the queue is empty or M
                  minutes (default 10) pass; prints labels per kind and labeler, tasks/s and errors.
              world prompts [--count N] [--seed S] [--out FILE]
                  write N distinct prompts of the task families (default 2000) as a JSONL file the prompt import
                  accepts (default world-prompts.jsonl); the experiment's held-out evaluation prompts for seed S
                  (default the experiment's) are left out. forge crowd finds the task behind each prompt by the same
                  count and seed.
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A command-line mistake: reported on stderr with the usage, exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    ForgeCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Before the first logger exists: DJL's and the tokenizer's INFO chatter would otherwise reach stdout.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "forge-cli-logback.xml");
        }
        System.exit(new ForgeCli(System.out, System.err).run(args));
    }

    /** Runs one command; returns the exit status (0 ok, 1 failure, 2 bad arguments). */
    int run(String[] argv) {
        List<String> args = List.of(argv);
        if (args.isEmpty() || Set.of("help", "-h", "--help").contains(args.get(0))) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            switch (args.get(0)) {
                case "pretrain" -> pretrain(rest);
                case "generate" -> generate(rest);
                case "logits" -> logits(rest);
                case "experiment" -> experiment(rest);
                case "world" -> world(rest);
                case "crowd" -> crowd(rest);
                default -> throw new UsageException("unknown command '" + args.get(0) + "'");
            }
            return 0;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("forge: " + e.getMessage());
            if (e instanceof UsageException) {
                err.print(USAGE);
            }
            return 2;
        } catch (IOException e) {
            err.println("forge: " + e.getMessage());
            return 1;
        }
    }

    private void pretrain(List<String> args) throws IOException {
        Map<String, String> options = parse(args, Set.of(), null);
        Path outDir = Path.of(options.getOrDefault("out", "models/base"));
        options.remove("out");
        PretrainSettings settings = PretrainSettings.defaults().with(options);
        String command = ("./forge pretrain " + String.join(" ", args)).strip();
        if (settings.threads() > 0) {
            ComputeDevice.useThreads(settings.threads()); // before the engine loads
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            new Pretrainer(settings, out).run(outDir, command, manager);
        }
    }

    private void generate(List<String> args) throws IOException {
        Map<String, String> o = parse(
                args,
                Set.of("greedy", "raw"),
                Set.of("model", "prompt", "temperature", "top-p", "top-k", "max-new-tokens", "seed"));
        Path modelDir = modelDir(o);
        String prompt = required(o, "prompt");
        boolean greedy = o.containsKey("greedy");
        if (greedy && (o.containsKey("temperature") || o.containsKey("top-p") || o.containsKey("top-k"))) {
            throw new UsageException("--greedy cannot be combined with --temperature, --top-p or --top-k");
        }
        int maxNewTokens = intOption(o, "max-new-tokens", 64);
        float temperature = greedy ? 0f : floatOption(o, "temperature", 0.8f);
        SamplingSettings sampling = new SamplingSettings(
                maxNewTokens, temperature, intOption(o, "top-k", 0), floatOption(o, "top-p", 0.95f), true);
        boolean raw = o.containsKey("raw");
        long seed = longOption(o, "seed", 0);
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick());
                GptTokenizer tokenizer = GptTokenizer.load(modelDir)) {
            CausalLm gpt = HfCheckpoint.load(modelDir, manager, false);
            long[] ids = tokenizer.encode(raw ? prompt : ChatTemplate.prompt(prompt));
            if (ids.length == 0) {
                throw new UsageException("--prompt is empty");
            }
            int room = gpt.config().blockSize() - ids.length;
            if (room < 1) {
                throw new IllegalArgumentException("the prompt is " + ids.length + " tokens; the model's context is "
                        + gpt.config().blockSize());
            }
            if (sampling.maxNewTokens() > room) {
                sampling = new SamplingSettings(
                        room, sampling.temperature(), sampling.topK(), sampling.topP(), sampling.stopAtEos());
            }
            Generation g = new Generator(gpt).generate(manager, List.of(ids), sampling, new Random(seed));
            String text = tokenizer.decode(g.response(0));
            out.println(raw ? text : ChatTemplate.answerOf(text));
        }
    }

    private void logits(List<String> args) throws IOException {
        Map<String, String> o = parse(args, Set.of(), Set.of("model", "text"));
        Path modelDir = modelDir(o);
        String text = required(o, "text");
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick());
                GptTokenizer tokenizer = GptTokenizer.load(modelDir)) {
            CausalLm gpt = HfCheckpoint.load(modelDir, manager, false);
            long[] ids = tokenizer.encode(text);
            if (ids.length == 0) {
                throw new UsageException("--text encodes to no tokens");
            }
            if (ids.length > gpt.config().blockSize()) {
                throw new IllegalArgumentException("the text is " + ids.length + " tokens; the model's context is "
                        + gpt.config().blockSize());
            }
            float[] last;
            try (NDManager step = manager.newSubManager()) {
                NDArray tokens = step.create(ids).reshape(1, ids.length);
                NDArray logits =
                        gpt.logits(gpt.forward(tokens, null, null, null).hidden()); // (1, T, V)
                last = logits.get("0, -1, :").toFloatArray();
            }
            ObjectNode json = JSON.createObjectNode();
            ArrayNode idArray = json.putArray("token_ids");
            for (long id : ids) {
                idArray.add(id);
            }
            ArrayNode top = json.putArray("top10");
            for (int id : topK(last, 10)) {
                ObjectNode entry = top.addObject();
                entry.put("id", id);
                entry.put("token", tokenizer.decode(new long[] {id}));
                entry.put("logit", last[id]);
            }
            out.println(JSON.writeValueAsString(json));
        }
    }

    /** Options that set one PPO setting each, kept from before {@code --ppo}. */
    private static final Map<String, String> PPO_SHORTHANDS =
            Map.of("ppo-iterations", "iterations", "ptx-coef", "ptxCoef", "ema-decay", "emaDecay");

    /** {@code "a=1,b=2"} as a map. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("expected NAME=VALUE, got '" + pair.trim() + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    private void experiment(List<String> args) throws IOException {
        Map<String, String> o = parse(
                args,
                Set.of("quick", "resume", "fresh", "oracle-reward"),
                Set.of(
                        "out",
                        "model",
                        "threads",
                        "ppo-iterations",
                        "ptx-coef",
                        "ema-decay",
                        "ppo",
                        "reward",
                        "dpo",
                        "ppo-prompts",
                        "set"));
        boolean quick = o.containsKey("quick");
        if (o.containsKey("resume") && o.containsKey("fresh")) {
            throw new UsageException("--resume and --fresh exclude each other");
        }
        ExperimentSettings settings = quick ? ExperimentSettings.quick() : ExperimentSettings.full();
        Map<String, String> ppo = new LinkedHashMap<>(keyValues(o.getOrDefault("ppo", "")));
        o.entrySet().stream()
                .filter(e -> PPO_SHORTHANDS.containsKey(e.getKey()))
                .forEach(e -> ppo.put(PPO_SHORTHANDS.get(e.getKey()), e.getValue()));
        try {
            settings = settings.withPpo(SettingsOverrides.apply(settings.ppo(), ppo));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--ppo: " + e.getMessage());
        }
        try {
            settings = settings.withReward(
                    SettingsOverrides.apply(settings.reward(), keyValues(o.getOrDefault("reward", ""))));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--reward: " + e.getMessage());
        }
        try {
            settings = settings.withDpo(SettingsOverrides.apply(settings.dpo(), keyValues(o.getOrDefault("dpo", ""))));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dpo: " + e.getMessage());
        }
        Map<String, String> sizes = new LinkedHashMap<>(keyValues(o.getOrDefault("set", "")));
        if (o.containsKey("ppo-prompts")) {
            sizes.put("ppoPrompts", o.get("ppo-prompts"));
        }
        try {
            settings = SettingsOverrides.apply(settings, sizes);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--set: " + e.getMessage());
        }
        Path model = o.containsKey("model") ? modelDir(o) : Path.of("models/base");
        Path outDir = Path.of(o.getOrDefault("out", "data/experiments/" + (quick ? "quick" : "full")));
        if (Files.isDirectory(outDir) && hasFiles(outDir)) {
            if (o.containsKey("fresh")) {
                Checkpoints.deleteRecursively(outDir);
            } else if (!o.containsKey("resume")) {
                throw new UsageException(
                        outDir + " already holds a run: pass --resume to continue it or --fresh to " + "start over");
            }
        }
        int threads = intOption(o, "threads", 0);
        if (threads > 0) {
            ComputeDevice.useThreads(threads); // before the engine loads
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            Experiment.Summary summary =
                    new Experiment(settings, out, o.containsKey("oracle-reward")).run(model, outDir, manager);
            out.printf("report: %s%n", outDir.resolve("report.md"));
            out.printf(
                    java.util.Locale.ROOT,
                    "win rate %.3f, reward model accuracy %.3f, KL %.2f nats%n",
                    summary.winRate(),
                    summary.rewardValidationAccuracy(),
                    summary.meanKl());
        }
    }

    private void crowd(List<String> args) throws IOException {
        Map<String, String> o = parse(
                args,
                Set.of(),
                Set.of("url", "labelers", "agreement", "slip-rate", "think-ms", "minutes", "count", "seed", "prefix"));
        String url = o.getOrDefault("url", envOr("FORGE_URL", "http://localhost:8080"));
        if (!url.matches("https?://[^\\s/]+(/.*)?")) {
            throw new UsageException("--url must be an http(s) address, got '" + url + "'");
        }
        long seed = longOption(o, "seed", World.defaultSeed());
        Crowd.Settings settings = new Crowd.Settings(
                java.net.URI.create(url.endsWith("/") ? url : url + "/"),
                envOr("FORGE_ADMIN", "admin"),
                envOr("FORGE_ADMIN_PASSWORD", "admin-demo"),
                intOption(o, "labelers", 4),
                floatOption(o, "agreement", 0.73f),
                floatOption(o, "slip-rate", (float) ExperimentSettings.full().demonstrationSlipRate()),
                java.time.Duration.ofMillis(longOption(o, "think-ms", 2_000)),
                java.time.Duration.ofSeconds(Math.round(60 * floatOption(o, "minutes", 10f))),
                intOption(o, "count", 2_000),
                seed,
                o.getOrDefault("prefix", "crowd"));
        Crowd.Summary summary;
        try {
            summary = new Crowd(settings, World.tasks(settings.worldPrompts(), seed), out).run();
        } catch (java.net.ConnectException e) {
            throw new IOException("no answer from labeling-web at " + url + " (is it running? set --url)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        summary.print(out);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private void world(List<String> args) throws IOException {
        if (args.isEmpty() || !args.get(0).equals("prompts")) {
            throw new UsageException("world takes one command: prompts");
        }
        Map<String, String> o = parse(args.subList(1, args.size()), Set.of(), Set.of("count", "seed", "out"));
        int count = intOption(o, "count", 2_000);
        long seed = longOption(o, "seed", World.defaultSeed());
        Path file = Path.of(o.getOrDefault("out", "world-prompts.jsonl"));
        List<Task> tasks = World.tasks(count, seed);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        List<String> lines = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            lines.add(World.importLine(tasks.get(i), i));
        }
        Files.write(file, lines);
        out.printf("wrote %d prompts (seed %d) to %s%n", tasks.size(), seed, file);
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    static int[] topK(float[] values, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(values[b], values[a]));
        return order.subList(0, Math.min(k, values.length)).stream()
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * {@code --name value} pairs and bare {@code --flag}s; anything else is a usage error.
     *
     * @param valued the options that take a value; null accepts any name (pretrain checks its settings itself)
     */
    static Map<String, String> parse(List<String> args, Set<String> flags, Set<String> valued) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (!flags.contains(name) && valued != null && !valued.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (options.containsKey(name)) {
                throw new UsageException("--" + name + " given twice");
            }
            if (flags.contains(name)) {
                options.put(name, "true");
            } else if (i + 1 >= args.size()) {
                throw new UsageException("--" + name + " needs a value");
            } else {
                options.put(name, args.get(++i));
            }
        }
        return options;
    }

    private static Path modelDir(Map<String, String> o) {
        Path dir = Path.of(required(o, "model"));
        if (!Files.isRegularFile(dir.resolve("config.json"))
                || !HfCheckpoint.hasWeights(dir)
                || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new UsageException("no model at " + dir + " (a model directory holds config.json, "
                    + "model.safetensors or model.safetensors.index.json with its shards, and tokenizer.json)");
        }
        return dir;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    private static int intOption(Map<String, String> o, String name, int fallback) {
        return (int) longOption(o, name, fallback);
    }

    private static long longOption(Map<String, String> o, String name, long fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    private static float floatOption(Map<String, String> o, String name, float fallback) {
        String v = o.get(name);
        try {
            return v == null ? fallback : Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }
}
