package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.experiment.World;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "world", mixinStandardHelpOptions = true, description = "The demo world's prompts.")
final class WorldCommand implements Callable<Integer> {

    /** The command with its subcommand, which writes to {@code out}. */
    static CommandLine create(PrintStream out) {
        return new CommandLine(new WorldCommand()).addSubcommand(new Prompts(out));
    }

    @Override
    public Integer call() {
        throw new ForgeCli.UsageException("world takes one command: prompts");
    }

    @Command(
            name = "prompts",
            mixinStandardHelpOptions = true,
            description = {
                "Write N distinct prompts of the task families as a JSONL file the prompt import accepts.",
                "The experiment's held-out evaluation prompts for seed S are left out; forge crowd finds the task"
                        + " behind each prompt by the same count and seed."
            })
    static final class Prompts implements Callable<Integer> {

        private final PrintStream out;

        @Option(names = "--count", paramLabel = "N", defaultValue = "2000", description = "default ${DEFAULT-VALUE}")
        private int count;

        @Option(names = "--seed", paramLabel = "S", description = "default the experiment's")
        private Long seed;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                defaultValue = "world-prompts.jsonl",
                description = "default ${DEFAULT-VALUE}")
        private Path file;

        Prompts(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            long s = seed == null ? World.defaultSeed() : seed;
            List<Task> tasks = World.tasks(count, s);
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            List<String> lines = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                lines.add(World.importLine(tasks.get(i), i));
            }
            Files.write(file, lines);
            out.printf("wrote %d prompts (seed %d) to %s%n", tasks.size(), s, file);
            return 0;
        }
    }
}
