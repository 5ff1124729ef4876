package org.instructforge.training.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.pretrain.PretrainSettings;
import org.instructforge.training.pretrain.Pretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        description = {
            "Generate the instruction corpus, train its tokenizer and a small GPT from scratch, and save a Hugging"
                    + " Face folder with a model card.",
            "Any other --NAME VALUE sets one of PretrainSettings (--n-layer, --n-embd, --n-head, --block-size,"
                    + " --batch-size, --learning-rate, --warmup-steps, --train-examples, --vocab-size, --eval-tasks,"
                    + " --threads, --steps, --seed, ...)."
        })
final class PretrainCommand implements Callable<Integer> {

    private final PrintStream out;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "models/base",
            description = "default: ${DEFAULT-VALUE}")
    private Path outDir;

    /** The settings by name: PretrainSettings checks them, so a new setting needs no option here. */
    @Unmatched
    private List<String> settings = new ArrayList<>();

    PretrainCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        PretrainSettings s = PretrainSettings.defaults().with(pairs(settings));
        List<String> command = new ArrayList<>(List.of("./forge", "pretrain"));
        if (!outDir.equals(Path.of("models/base"))) {
            command.addAll(List.of("--out", outDir.toString()));
        }
        command.addAll(settings);
        if (s.threads() > 0) {
            ComputeDevice.useThreads(s.threads()); // before the engine loads
        }
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            new Pretrainer(s, out).run(outDir, String.join(" ", command), manager);
        }
        return 0;
    }

    /** {@code --name value} pairs, each name once. */
    static Map<String, String> pairs(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ForgeCli.UsageException("unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.size()) {
                throw new ForgeCli.UsageException(a + " needs a value");
            }
            if (out.put(a.substring(2), args.get(i + 1)) != null) {
                throw new ForgeCli.UsageException(a + " given twice");
            }
        }
        return out;
    }
}
