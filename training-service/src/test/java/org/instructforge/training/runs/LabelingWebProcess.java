package org.instructforge.training.runs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.instructforge.shared.process.LabelingWebServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labeling-web service as its users meet it: its packaged jar started as a separate process on the training
 * service's database, spoken to over HTTP with each role's demo account. The reactor packages labeling-web before
 * training-service's tests run ({@code ./forge test} is {@code mvn verify}).
 */
final class LabelingWebProcess implements AutoCloseable {

    /** One answer: the status code, the body (JSON when there is one) and the headers. */
    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        /** A header's first value, or empty. */
        java.util.Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LabelingWebServer server;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private LabelingWebProcess(LabelingWebServer server) {
        this.server = server;
        this.base = server.url("");
    }

    /** Starts the jar in demo mode (its three demo accounts) on the given database and waits until it is healthy. */
    static LabelingWebProcess start(String jdbcUrl, String user, String password) throws Exception {
        return new LabelingWebProcess(LabelingWebServer.start(
                "labeling-web",
                Path.of("..", "labeling-web", "target"),
                "run the whole build (./forge test or mvn verify), which packages labeling-web before these tests",
                Path.of("target", "closed-loop-labeling-web.log"),
                new LabelingWebServer.Database(jdbcUrl, user, password),
                List.of("-Xmx768m", "-Dai.djl.offline=true"),
                List.of("--instructforge.labeling.claims-per-minute=100000"),
                Duration.ofSeconds(180)));
    }

    /** The answer's JSON (null for an empty body) after checking it succeeded; else fails with the service's log. */
    JsonNode ok(Answer answer) {
        org.assertj.core.api.Assertions.assertThat(answer.status())
                .as("HTTP answer %s\n--- labeling-web log ---\n%s", answer.body(), tail())
                .isBetween(200, 299);
        return answer.body().isBlank() ? null : answer.json();
    }

    /**
     * A prompt dataset the demo admin creates through the API (one label per item, no overlap, 200 prompts per
     * author); answers its id.
     */
    long dataset(String name, String description, double train, double valid, double test)
            throws IOException, InterruptedException {
        return ok(post(
                        "admin",
                        "/api/admin/datasets",
                        java.util.Map.ofEntries(
                                java.util.Map.entry("name", name),
                                java.util.Map.entry("description", description),
                                java.util.Map.entry("guidelines", "Answer exactly what is asked."),
                                java.util.Map.entry("keepPiiOriginals", false),
                                java.util.Map.entry("maxPromptsPerUser", 200),
                                java.util.Map.entry("dedupPrefixChars", 200),
                                java.util.Map.entry("labelsPerItem", 1),
                                java.util.Map.entry("overlapShare", 0),
                                java.util.Map.entry("trainRatio", train),
                                java.util.Map.entry("validRatio", valid),
                                java.util.Map.entry("testRatio", test))))
                .path("id")
                .asLong();
    }

    /** The service's address, e.g. {@code http://localhost:41234}. */
    String base() {
        return base;
    }

    /** The end of the service's console, for failure messages. */
    String tail() {
        return server.tail();
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    Answer get(String account, String path) throws IOException, InterruptedException {
        return send(account, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String account, String path, Object body) throws IOException, InterruptedException {
        String json = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(
                account,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer postRaw(String account, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return send(
                account,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST as any account; {@link #post(String, String, Object)} is one of the demo accounts. */
    Answer post(String username, String password, String path, Object body) throws IOException, InterruptedException {
        return send(
                username,
                password,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** Whether the process still runs (the same one this object started: it is never restarted). */
    boolean alive() {
        return server.alive();
    }

    /** As a demo account, whose password is its name and {@code -demo}. */
    private Answer send(String account, HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(account, account == null ? null : account + "-demo", request);
    }

    private Answer send(String account, String password, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        if (account != null) {
            String credentials = account + ":" + password;
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        request.header("Accept", "application/json").timeout(Duration.ofSeconds(60));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
