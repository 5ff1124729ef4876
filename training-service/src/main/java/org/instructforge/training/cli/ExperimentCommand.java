package org.instructforge.training.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.instructforge.training.experiment.Experiment;
import org.instructforge.training.experiment.ExperimentSettings;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.SettingsOverrides;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = {
            "The InstructGPT loop with simulated labelers: SFT -> reward model -> PPO (and DPO on the same rankings)"
                    + " -> win rates against SFT on held-out prompts. Writes report.md, PNG charts and summary.json.",
            "--ppo, --reward and --dpo set the trainers' settings by name (--dpo loss=ipo; --ppo"
                    + " rolloutBatch=256,miniBatch=64,targetKl=0); --set the experiment's own sizes"
                    + " (--set rankingPrompts=15000,sftPrompts=3000,seed=7)."
        })
final class ExperimentCommand implements Callable<Integer> {

    private final PrintStream out;

    @Option(names = "--quick", description = "the few-minute variant CI runs")
    private boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "default data/experiments/full, or .../quick")
    private Path outDir;

    @Option(names = "--model", paramLabel = "DIR", description = "the base model (default models/base)")
    private Path model;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch threads (0: its own)")
    private int threads;

    @Option(names = "--ppo-iterations", paramLabel = "N", description = "shorthand for --ppo iterations=N")
    private Integer ppoIterations;

    @Option(names = "--ptx-coef", paramLabel = "G", description = "shorthand for --ppo ptxCoef=G")
    private Float ptxCoef;

    @Option(names = "--ema-decay", paramLabel = "D", description = "shorthand for --ppo emaDecay=D")
    private Float emaDecay;

    @Option(names = "--ppo-prompts", paramLabel = "N", description = "shorthand for --set ppoPrompts=N")
    private Integer ppoPrompts;

    @Option(names = "--ppo", split = ",", paramLabel = "NAME=VALUE")
    private Map<String, String> ppo = new LinkedHashMap<>();

    @Option(names = "--reward", split = ",", paramLabel = "NAME=VALUE")
    private Map<String, String> reward = new LinkedHashMap<>();

    @Option(names = "--dpo", split = ",", paramLabel = "NAME=VALUE")
    private Map<String, String> dpo = new LinkedHashMap<>();

    @Option(names = "--set", split = ",", paramLabel = "NAME=VALUE")
    private Map<String, String> sizes = new LinkedHashMap<>();

    @ArgGroup(exclusive = true)
    private Existing existing;

    /** What to do with a folder that already holds a run. */
    static final class Existing {
        @Option(names = "--resume", required = true, description = "continue the run in DIR (a killed one)")
        boolean resume;

        @Option(names = "--fresh", required = true, description = "delete the run in DIR and start over")
        boolean fresh;
    }

    @Option(
            names = "--oracle-reward",
            description = "diagnostic: PPO optimises the noiseless judge instead of the reward model")
    private boolean oracleReward;

    ExperimentCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        ExperimentSettings settings = settings();
        Path modelDir = model == null ? Path.of("models/base") : ModelDirectory.checked(model);
        Path dir = outDir != null ? outDir : Path.of("data/experiments/" + (quick ? "quick" : "full"));
        if (Files.isDirectory(dir) && hasFiles(dir)) {
            if (existing == null) {
                throw new ForgeCli.UsageException(
                        dir + " already holds a run: pass --resume to continue it or --fresh to start over");
            }
            if (existing.fresh) {
                Checkpoints.deleteRecursively(dir);
            }
        }
        if (threads > 0) {
            ComputeDevice.useThreads(threads); // before the engine loads
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            Experiment.Summary summary = new Experiment(settings, out, oracleReward).run(modelDir, dir, manager);
            out.printf("report: %s%n", dir.resolve("report.md"));
            out.printf(
                    Locale.ROOT,
                    "win rate %.3f, reward model accuracy %.3f, KL %.2f nats%n",
                    summary.winRate(),
                    summary.rewardValidationAccuracy(),
                    summary.meanKl());
        }
        return 0;
    }

    /** The preset with the options' overrides, every name and value checked before anything runs. */
    private ExperimentSettings settings() {
        ExperimentSettings settings = quick ? ExperimentSettings.quick() : ExperimentSettings.full();
        Map<String, String> ppoValues = new LinkedHashMap<>(ppo);
        putIfGiven(ppoValues, "iterations", ppoIterations);
        putIfGiven(ppoValues, "ptxCoef", ptxCoef);
        putIfGiven(ppoValues, "emaDecay", emaDecay);
        Map<String, String> sizeValues = new LinkedHashMap<>(sizes);
        putIfGiven(sizeValues, "ppoPrompts", ppoPrompts);
        try {
            settings = settings.withPpo(SettingsOverrides.apply(settings.ppo(), ppoValues));
        } catch (IllegalArgumentException e) {
            throw new ForgeCli.UsageException("--ppo: " + e.getMessage());
        }
        try {
            settings = settings.withReward(SettingsOverrides.apply(settings.reward(), reward));
        } catch (IllegalArgumentException e) {
            throw new ForgeCli.UsageException("--reward: " + e.getMessage());
        }
        try {
            settings = settings.withDpo(SettingsOverrides.apply(settings.dpo(), dpo));
        } catch (IllegalArgumentException e) {
            throw new ForgeCli.UsageException("--dpo: " + e.getMessage());
        }
        try {
            return SettingsOverrides.apply(settings, sizeValues);
        } catch (IllegalArgumentException e) {
            throw new ForgeCli.UsageException("--set: " + e.getMessage());
        }
    }

    private static void putIfGiven(Map<String, String> values, String name, Object value) {
        if (value != null) {
            values.put(name, value.toString());
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
