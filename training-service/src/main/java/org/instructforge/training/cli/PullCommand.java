package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.instructforge.training.hub.HubClient;
import org.instructforge.training.hub.ModelPull;
import org.instructforge.training.runs.ModelImport;
import org.instructforge.training.toolbox.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = {
            "Download a model from the Hugging Face Hub ($HF_ENDPOINT, default https://huggingface.co; $HF_TOKEN for"
                    + " gated or private models): the files a run needs (config, tokenizer, safetensors weights),"
                    + " resumable, sizes and SHA-256s checked against the Hub's; then registered as a BASE checkpoint"
                    + " in the product's database and checkpoint store (the checkpoint root, or the object store with"
                    + " INSTRUCTFORGE_CHECKPOINT_STORE=s3). Architectures other than gpt2, llama,"
                    + " mistral and qwen2 are refused."
        })
final class PullCommand implements Callable<Integer> {

    private final PrintStream out;
    private final UnaryOperator<String> env;

    @Parameters(index = "0", paramLabel = "ORG/NAME", description = "the Hub's model id")
    private String repo;

    @Option(names = "--revision", paramLabel = "REV", defaultValue = "main", description = "default ${DEFAULT-VALUE}")
    private String revision;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "the checkpoint's name (default ORG/NAME, or ORG/NAME@REV)")
    private String name;

    PullCommand(PrintStream out, UnaryOperator<String> env) {
        this.out = out;
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        ModelPull.checkRepoId(repo);
        String checkpoint = name != null ? name : revision.equals("main") ? repo : repo + "@" + revision;
        HubClient hub = new HubClient(env.apply("HF_ENDPOINT"), env.apply("HF_TOKEN"));
        ModelPull pull = new ModelPull(hub, out);
        HubClient.Snapshot files = pull.runFiles(repo, revision); // the Hub first: offline fails fast
        try (ModelImport models = ModelImport.fromEnvironment(env)) {
            models.existing(checkpoint).ifPresent(id -> {
                throw new IllegalArgumentException("a checkpoint named '" + checkpoint + "' exists already (id " + id
                        + "); choose another --name");
            });
            ModelPull.Pulled pulled =
                    pull.download(files, models.checkpointRoot().resolve("downloads"));
            ModelImport.Imported imported = models.register(
                    pulled.folder(),
                    checkpoint,
                    Map.of("source", hub.endpoint() + "/" + repo, "revision", revision, "commit", pulled.commit()),
                    true);
            Checkpoints.deleteRecursively(pulled.folder());
            ImportCommand.printRegistered(out, imported);
        }
        return 0;
    }
}
