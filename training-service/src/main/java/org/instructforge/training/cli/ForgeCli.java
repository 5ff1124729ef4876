package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The ML engineer's command line, without Spring (the {@code forge} script runs it from the training-service jar):
 * pretraining, generation, logits, the experiment, the world's prompts, a simulated crowd and training runs on a
 * running labeling-web. picocli parses the options and writes the help ({@code forge COMMAND --help}). Exit status:
 * 0 done, 1 failed (a file or the service), 2 bad arguments (the message and the command's usage on stderr);
 * results go to stdout.
 */
@Command(
        name = "forge",
        mixinStandardHelpOptions = true,
        description = "InstructForge's ML commands. 'forge COMMAND --help' describes each.")
public final class ForgeCli implements Callable<Integer> {

    /** A mistake in the arguments found after parsing (a missing model, a conflict): exit 2 with the usage. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final int FAILED = 1;
    static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<String> env;

    @Spec
    private CommandSpec spec;

    ForgeCli(PrintStream out, PrintStream err) {
        this(out, err, System::getenv);
    }

    /** @param env reads the environment ({@code FORGE_URL} and the like; a map in tests) */
    ForgeCli(PrintStream out, PrintStream err, UnaryOperator<String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        // Before the first logger exists: DJL's and the tokenizer's INFO chatter would otherwise reach stdout.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "forge-cli-logback.xml");
        }
        System.exit(new ForgeCli(System.out, System.err).run(args));
    }

    /** No command: the usage, as a mistake. */
    @Override
    public Integer call() {
        err.println("forge: which command?");
        spec.commandLine().usage(err);
        return USAGE;
    }

    /** Runs one command; returns the exit status (0 ok, 1 failure, 2 bad arguments). */
    int run(String... args) {
        CommandLine cli = new CommandLine(this)
                .addSubcommand(new CommandLine.HelpCommand())
                .addSubcommand(new PretrainCommand(out))
                .addSubcommand(new GenerateCommand(out))
                .addSubcommand(new LogitsCommand(out))
                .addSubcommand(new ExperimentCommand(out))
                .addSubcommand(WorldCommand.create(out))
                .addSubcommand(new CrowdCommand(out))
                .addSubcommand(RunCommand.create(out, err, env));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, argv) -> usageError(e.getCommandLine(), message(e)));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UsageException) {
                return usageError(command, e.getMessage());
            }
            if (e instanceof IllegalArgumentException) {
                // the settings' and the world's own checks of the values given
                err.println("forge: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof IOException) {
                err.println("forge: " + e.getMessage());
                return FAILED;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** picocli's message, but a word that is no command is called that. */
    private static String message(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched
                && unmatched.getCommandLine().getParent() == null
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + unmatched.getUnmatched().get(0) + "'";
        }
        return e.getMessage();
    }

    private int usageError(CommandLine command, String message) {
        err.println("forge: " + message);
        command.usage(err);
        return USAGE;
    }
}
