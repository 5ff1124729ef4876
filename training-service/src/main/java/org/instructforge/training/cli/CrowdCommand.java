package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.instructforge.training.crowd.Crowd;
import org.instructforge.training.experiment.ExperimentSettings;
import org.instructforge.training.experiment.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "crowd",
        mixinStandardHelpOptions = true,
        description = {
            "A simulated crowd against a running labeling-web, through its public API only: the admin"
                    + " ($FORGE_ADMIN / $FORGE_ADMIN_PASSWORD, default the demo admin) creates N labeler accounts, each"
                    + " sets its password on its invitation link, then they write demonstrations, rank candidates"
                    + " (Likert scores, metadata flags) and judge comparisons of the world's prompts until the queue is"
                    + " empty or the time is up; prints labels per kind and labeler, tasks/s and errors."
        })
final class CrowdCommand implements Callable<Integer> {

    private final PrintStream out;

    @Option(names = "--url", paramLabel = "URL", description = "default $FORGE_URL or http://localhost:8080")
    private String url;

    @Option(names = "--labelers", paramLabel = "N", defaultValue = "4", description = "default ${DEFAULT-VALUE}")
    private int labelers;

    @Option(
            names = "--agreement",
            paramLabel = "A",
            defaultValue = "0.73",
            description = "share of pairs two labelers order alike (default ${DEFAULT-VALUE})")
    private double agreement;

    @Option(
            names = "--slip-rate",
            paramLabel = "R",
            description = "demonstrations' slip rate (default the experiment's)")
    private Double slipRate;

    @Option(names = "--think-ms", paramLabel = "MS", defaultValue = "2000", description = "default ${DEFAULT-VALUE}")
    private long thinkMs;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "10", description = "default ${DEFAULT-VALUE}")
    private double minutes;

    @Option(names = "--count", paramLabel = "N", defaultValue = "2000", description = "as given to world prompts")
    private int count;

    @Option(names = "--seed", paramLabel = "S", description = "as given to world prompts")
    private Long seed;

    @Option(names = "--prefix", paramLabel = "NAME", defaultValue = "crowd", description = "account names' prefix")
    private String prefix;

    CrowdCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        String address = url != null ? url : envOr("FORGE_URL", "http://localhost:8080");
        if (!address.matches("https?://[^\\s/]+(/.*)?")) {
            throw new ForgeCli.UsageException("--url must be an http(s) address, got '" + address + "'");
        }
        long worldSeed = seed == null ? World.defaultSeed() : seed;
        Crowd.Settings settings = new Crowd.Settings(
                URI.create(address.endsWith("/") ? address : address + "/"),
                envOr("FORGE_ADMIN", "admin"),
                envOr("FORGE_ADMIN_PASSWORD", "admin-demo"),
                labelers,
                agreement,
                slipRate == null ? ExperimentSettings.full().demonstrationSlipRate() : slipRate,
                Duration.ofMillis(thinkMs),
                Duration.ofSeconds(Math.round(60 * minutes)),
                count,
                worldSeed,
                prefix);
        Crowd.Summary summary;
        try {
            summary = new Crowd(settings, World.tasks(settings.worldPrompts(), worldSeed), out).run();
        } catch (ConnectException e) {
            throw new IOException("no answer from labeling-web at " + address + " (is it running? set --url)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        summary.print(out);
        return 0;
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
