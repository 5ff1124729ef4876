package org.instructforge.training.runs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Ray head node's Jobs REST API on loopback, answering as docs.ray.io documents it: {@code POST /api/jobs/} takes
 * {@code entrypoint}, {@code submission_id}, {@code runtime_env} and {@code metadata} and answers
 * {@code {"job_id", "submission_id"}} (400 for a submission id it knows); {@code GET /api/jobs/{id}} answers the job's
 * details with its {@code status} and {@code message} (404 for an unknown job); {@code GET /api/jobs/{id}/logs}
 * answers {@code {"logs"}}, the whole driver log so far; {@code POST /api/jobs/{id}/stop} answers
 * {@code {"stopped"}} and the job becomes STOPPED.
 *
 * <p>A test scripts the job: each status read moves it one {@link Step} on (staying at the last), and each step
 * appends its log text. {@link #onSucceeded} plays the job's writing of its output when it reaches SUCCEEDED.
 */
final class FakeRayJobsApi implements AutoCloseable {

    /** One state of the job as the next status read sees it, and what the job printed by then. */
    record Step(String status, String message, String logs) {
        static Step of(String status, String logs) {
            return new Step(status, null, logs);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Step> script;
    final List<JsonNode> submissions = new CopyOnWriteArrayList<>();
    final List<String> stops = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private Consumer<JsonNode> onSucceeded = submission -> {};
    private String submitted;
    private int at = -1;
    private int reads;
    private boolean stopped;
    private final StringBuilder logs = new StringBuilder();

    FakeRayJobsApi(Step... script) throws IOException {
        this.script = List.of(script);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/jobs/", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** What the job does when it succeeds, with its submission (to write a model where --save_path says). */
    FakeRayJobsApi onSucceeded(Consumer<JsonNode> action) {
        this.onSucceeded = action;
        return this;
    }

    /** The cluster has this job already, as if an earlier attempt of the run had submitted it. */
    synchronized FakeRayJobsApi submittedBefore(String submissionId, String entrypoint) {
        submissions.add(
                JSON.createObjectNode().put("submission_id", submissionId).put("entrypoint", entrypoint));
        submitted = submissionId;
        return this;
    }

    /** How many status reads the job has answered since it was submitted. */
    synchronized int statusReads() {
        return reads;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        requests.add(method + " " + path);
        String rest = path.substring("/api/jobs/".length());
        if (method.equals("POST") && rest.isEmpty()) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String id = body.path("submission_id").asString();
            if (id.equals(submitted)) {
                answer(exchange, 400, Map.of("error", "Job with submission_id " + id + " already exists."));
                return;
            }
            submissions.add(body);
            submitted = id;
            answer(exchange, 200, Map.of("job_id", "raysubmit_fake", "submission_id", id));
            return;
        }
        String[] parts = rest.split("/", 2);
        if (!parts[0].equals(submitted)) {
            answer(exchange, 404, Map.of("error", "Job " + parts[0] + " does not exist."));
            return;
        }
        if (parts.length == 1 && method.equals("GET")) {
            reads++;
            if (!stopped) {
                at = Math.min(at + 1, script.size() - 1);
                logs.append(script.get(at).logs());
                if (script.get(at).status().equals("SUCCEEDED") && at == script.size() - 1) {
                    onSucceeded.accept(submissions.get(0));
                    onSucceeded = submission -> {};
                }
            }
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("type", "SUBMISSION");
            job.put("submission_id", submitted);
            job.put("status", stopped ? "STOPPED" : script.get(at).status());
            job.put(
                    "message",
                    stopped ? "Job was intentionally stopped." : script.get(at).message());
            job.put("entrypoint", submissions.get(0).path("entrypoint").asString());
            answer(exchange, 200, job);
        } else if (parts.length == 2 && parts[1].equals("logs") && method.equals("GET")) {
            answer(exchange, 200, Map.of("logs", logs.toString()));
        } else if (parts.length == 2 && parts[1].equals("stop") && method.equals("POST")) {
            stops.add(submitted);
            boolean wasRunning = !stopped;
            stopped = true;
            answer(exchange, 200, Map.of("stopped", wasRunning));
        } else {
            answer(exchange, 404, Map.of("error", "no route " + method + " " + path));
        }
    }

    /** The value of a flag in the submitted entrypoint ({@code --save_path /x} gives {@code /x}). */
    static String flag(JsonNode submission, String flag) {
        List<String> words =
                new ArrayList<>(List.of(submission.path("entrypoint").asString().split(" ")));
        int i = words.indexOf(flag);
        return i < 0 || i + 1 >= words.size() ? null : words.get(i + 1);
    }

    private static void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
