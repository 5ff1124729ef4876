package org.instructforge.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.instructforge.training.api.LabelingApi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forge run}: training runs through labeling-web's engineer API, as an ML engineer's account ({@code FORGE_URL},
 * {@code FORGE_USER}, {@code FORGE_PASSWORD}; the demo engineer by default) over HTTP Basic.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Training runs on a running labeling-web ($FORGE_URL, default http://localhost:8080), as"
                    + " $FORGE_USER / $FORGE_PASSWORD (default the demo engineer)."
        })
final class RunCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The run statuses after which nothing changes. */
    private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<String> env;

    private RunCommand(PrintStream out, PrintStream err, UnaryOperator<String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** The command with its subcommands; {@code env} reads the environment (a map in tests). */
    static CommandLine create(PrintStream out, PrintStream err, UnaryOperator<String> env) {
        RunCommand run = new RunCommand(out, err, env);
        return new CommandLine(run)
                .addSubcommand(run.new New())
                .addSubcommand(run.new Show())
                .addSubcommand(run.new ListRuns())
                .addSubcommand(run.new Cancel());
    }

    @Override
    public Integer call() {
        throw new ForgeCli.UsageException("run takes one of: new, show, list, cancel");
    }

    @Command(name = "new", mixinStandardHelpOptions = true, description = "Queue a run; --wait follows it to its end.")
    final class New implements Callable<Integer> {

        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "SFT, REWARD, PPO, DPO, ...")
        private String type;

        @Option(names = "--dataset", paramLabel = "ID", description = "a dataset to read (repeatable)")
        private List<Long> datasets = new ArrayList<>();

        @Option(names = "--round", paramLabel = "ID", description = "a ranking round to read (repeatable)")
        private List<Long> rounds = new ArrayList<>();

        @Option(names = "--start", paramLabel = "ID", description = "the checkpoint the run starts from")
        private Long start;

        @Option(names = "--reward", paramLabel = "ID", description = "PPO: the reward model's checkpoint")
        private Long reward;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "", description = "names the output checkpoint")
        private String name;

        @Option(names = "--ai-feedback", description = "reward model: count AI-feedback rankings too")
        private boolean aiFeedback;

        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a hyperparameter (repeatable)")
        private Map<String, String> hyperparameters = new LinkedHashMap<>();

        @Option(names = "--wait", description = "follow the run until it ends; exit 1 unless it succeeds")
        private boolean await;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("name", name);
            body.put("datasetIds", datasets);
            body.put("roundIds", rounds);
            body.put("includeAiFeedback", aiFeedback);
            body.put("startCheckpointId", start);
            body.put("rewardCheckpointId", reward);
            body.put("hyperparameters", hyperparameters);
            LabelingApi api = api();
            // One key per request: a request the network repeats queues one run, not two.
            HttpResponse<String> answer = reaching(
                    api,
                    () -> api.send(
                            "POST",
                            "/api/engineer/runs",
                            body,
                            "Idempotency-Key",
                            UUID.randomUUID().toString()));
            JsonNode run = checked(api, "POST /api/engineer/runs", answer);
            long id = run.path("id").asLong();
            out.printf(
                    "forge: queued run %d (%s): %sengineer/runs/%d%n",
                    id, run.path("name").asString(), api.base(), id);
            return await ? follow(api, id) : 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a run as JSON.")
    final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        private long id;

        @Override
        public Integer call() throws IOException, InterruptedException {
            out.println(
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(get(api(), "/api/engineer/runs/" + id)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The recent runs, one line each.")
    final class ListRuns implements Callable<Integer> {
        /** Wide enough for the longest values (CANDIDATES, EVALUATION; CANCEL_REQUESTED). */
        private static final String COLUMNS = "%-6s %-11s %-17s %8s  %s%n";

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode runs = get(api(), "/api/engineer/runs");
            if (runs.isEmpty()) {
                out.println("no runs yet");
                return 0;
            }
            out.printf(COLUMNS, "ID", "TYPE", "STATUS", "PROGRESS", "NAME");
            for (JsonNode run : runs) {
                out.printf(
                        Locale.ROOT,
                        COLUMNS,
                        run.path("id").asLong(),
                        run.path("type").asString(),
                        run.path("status").asString(),
                        Math.round(run.path("progress").asDouble() * 100) + "%",
                        run.path("name").asString());
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Ask a run to stop.")
    final class Cancel implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        private long id;

        @Override
        public Integer call() throws IOException, InterruptedException {
            LabelingApi api = api();
            String path = "/api/engineer/runs/" + id + "/cancel";
            JsonNode run = checked(api, "POST " + path, reaching(api, () -> api.send("POST", path, null)));
            out.printf("forge: run %d is %s%n", id, run.path("status").asString());
            return 0;
        }
    }

    /** Prints a line whenever the run's progress changes, until it ends: 0 when it succeeded, 1 otherwise. */
    private int follow(LabelingApi api, long id) throws IOException, InterruptedException {
        long pollMillis = Math.round(1000 * Double.parseDouble(envOr("FORGE_POLL_SECONDS", "5")));
        String last = "";
        while (true) {
            JsonNode run = get(api, "/api/engineer/runs/" + id);
            String status = run.path("status").asString();
            String line = String.format(
                    Locale.ROOT,
                    "run %d: %s, step %d/%s, progress %.2f%s",
                    id,
                    status,
                    run.path("currentStep").asInt(),
                    run.path("totalSteps").isNumber() ? run.path("totalSteps").asString() : "?",
                    run.path("progress").asDouble(),
                    run.path("etaSeconds").isNumber()
                            ? ", about " + run.path("etaSeconds").asLong() + " s left"
                            : "");
            if (!line.equals(last)) {
                out.println(line);
                last = line;
            }
            if (status.equals("SUCCEEDED")) {
                out.printf(
                        "forge: run %d succeeded: checkpoint %s%n",
                        id, run.path("outputCheckpoint").path("name").asString());
                return 0;
            }
            if (ENDED.contains(status)) {
                String why = run.path("errorMessage").isString()
                        ? ": " + run.path("errorMessage").asString()
                        : "";
                err.printf("forge: run %d ended %s%s%n", id, status, why);
                return ForgeCli.FAILED;
            }
            Thread.sleep(pollMillis);
        }
    }

    private LabelingApi api() {
        String url = envOr("FORGE_URL", "http://localhost:8080");
        if (!url.matches("https?://[^\\s/]+(/.*)?")) {
            throw new ForgeCli.UsageException("FORGE_URL must be an http(s) address, got '" + url + "'");
        }
        return new LabelingApi(
                URI.create(url.endsWith("/") ? url : url + "/"),
                envOr("FORGE_USER", "engineer"),
                envOr("FORGE_PASSWORD", "engineer-demo"));
    }

    private JsonNode get(LabelingApi api, String path) throws IOException, InterruptedException {
        return checked(api, "GET " + path, reaching(api, () -> api.send("GET", path, null)));
    }

    /** A request, with labeling-web not answering said in words. */
    private static HttpResponse<String> reaching(LabelingApi api, Request request)
            throws IOException, InterruptedException {
        try {
            return request.send();
        } catch (ConnectException e) {
            throw new IOException(
                    "no answer from labeling-web at " + api.base() + " (is it running? set FORGE_URL)", e);
        }
    }

    /** The answer's JSON; an error answer as the API's own message, with a hint where the account is the cause. */
    private static JsonNode checked(LabelingApi api, String what, HttpResponse<String> answer) throws IOException {
        try {
            return LabelingApi.checked(what, answer);
        } catch (LabelingApi.ApiException e) {
            if (e.status() == 401) {
                throw new IOException(
                        e.getMessage() + "\nforge: check FORGE_USER / FORGE_PASSWORD (an ML engineer's account)", e);
            }
            throw e;
        }
    }

    private String envOr(String name, String fallback) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }
}
