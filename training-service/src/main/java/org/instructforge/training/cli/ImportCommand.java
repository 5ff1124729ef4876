package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.instructforge.training.runs.ModelImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Register a local Hugging Face model folder as a BASE checkpoint: its run files are copied to the"
                    + " checkpoint root, or uploaded to the object store with INSTRUCTFORGE_CHECKPOINT_STORE=s3. Architectures other than gpt2, llama, mistral and qwen2 are refused."
        })
final class ImportCommand implements Callable<Integer> {

    private final PrintStream out;
    private final UnaryOperator<String> env;

    @Parameters(
            index = "0",
            paramLabel = "DIR",
            description = "a folder with config.json, tokenizer.json and safetensors")
    private Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "the checkpoint's name (default the folder's)")
    private String name;

    ImportCommand(PrintStream out, UnaryOperator<String> env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        Path folder = dir.toAbsolutePath().normalize();
        ModelImport.check(folder); // before the database: a wrong folder needs none
        String checkpoint = name != null ? name : String.valueOf(folder.getFileName());
        try (ModelImport models = ModelImport.fromEnvironment(env)) {
            printRegistered(out, models.register(folder, checkpoint, Map.of("source", folder.toString()), false));
        }
        return 0;
    }

    static void printRegistered(PrintStream out, ModelImport.Imported imported) {
        out.printf(
                "registered %s (%s) as BASE checkpoint %d at %s%n",
                imported.name(), imported.architecture(), imported.id(), imported.location());
    }
}
