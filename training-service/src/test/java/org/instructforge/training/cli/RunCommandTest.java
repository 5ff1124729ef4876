package org.instructforge.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forge run} against a server on loopback that answers as labeling-web's engineer API does (the bodies of
 * {@code RunDetail} and {@code RunView}, the {@code {"errors"}} body of a refused request); {@code ClosedLoopTest}
 * drives the same API of the real service.
 */
class RunCommandTest extends CliTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final List<com.sun.net.httpserver.Headers> headers = new ArrayList<>();
    /** The answers of GET /api/engineer/runs/7, one per poll; the last one repeats. */
    private final Deque<String> runStates = new ArrayDeque<>();

    private int createStatus = 201;
    private String createAnswer = run(7, "QUEUED", 0, null, null);
    private String listAnswer = "[]";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/engineer/runs", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String request =
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        requests.add(request);
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        headers.add(exchange.getRequestHeaders());
        String expected = "Basic " + Base64.getEncoder().encodeToString("engineer:engineer-demo".getBytes());
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "{\"error\":\"Full authentication is required\"}");
            return;
        }
        switch (request) {
            case "POST /api/engineer/runs" -> send(exchange, createStatus, createAnswer);
            case "GET /api/engineer/runs" -> send(exchange, 200, listAnswer);
            case "GET /api/engineer/runs/7" ->
                send(exchange, 200, runStates.size() > 1 ? runStates.poll() : runStates.peek());
            case "POST /api/engineer/runs/7/cancel" -> send(exchange, 200, run(7, "CANCEL_REQUESTED", 2, 10, null));
            default -> send(exchange, 404, "{\"error\":\"No run 8\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A run as RunDetail serialises it (the fields forge reads, and some it ignores). */
    private static String run(long id, String status, int step, Integer total, String extra) {
        return "{\"id\":" + id + ",\"type\":\"SFT\",\"name\":\"my run\",\"status\":\"" + status + "\",\"finished\":"
                + List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) + ",\"progress\":"
                + (total == null ? 0 : step / (double) total) + ",\"currentStep\":" + step + ",\"totalSteps\":" + total
                + ",\"etaSeconds\":" + (total == null ? "null" : "12") + ",\"datasets\":[{\"id\":3,\"name\":\"d\"}]"
                + ",\"outputCheckpoint\":null,\"errorMessage\":null" + (extra == null ? "" : "," + extra) + "}";
    }

    private int forge(String... args) {
        return forge(Map.of(), args);
    }

    private int forge(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("FORGE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        all.put("FORGE_POLL_SECONDS", "0.01");
        return forgeWith(all::get, args);
    }

    @Test
    void newSendsTheRequestAsJsonAndWaitFollowsTheRunToItsCheckpoint() {
        runStates.add(run(7, "QUEUED", 0, null, null));
        runStates.add(run(7, "RUNNING", 1, 3, null));
        runStates.add(run(7, "RUNNING", 1, 3, null));
        runStates.add(run(7, "RUNNING", 3, 3, null));
        runStates.add(
                run(7, "SUCCEEDED", 3, 3, "\"outputCheckpoint\":{\"id\":12,\"name\":\"sft-7\",\"kind\":\"POLICY\"}")
                        .replace(",\"outputCheckpoint\":null", ""));
        int status = forge(
                "run",
                "new",
                "--type",
                "SFT",
                "--dataset",
                "3",
                "--dataset",
                "4",
                "--name",
                "my \"run\" ✓",
                "--set",
                "learningRate=1e-4",
                "--set",
                "epochs=2",
                "--wait");
        assertThat(status).as(stderr()).isZero();

        JsonNode body = JSON.readTree(bodies.get(0));
        assertThat(body.path("type").asString()).isEqualTo("SFT");
        assertThat(body.path("name").asString()).isEqualTo("my \"run\" ✓");
        assertThat(body.path("datasetIds").toString()).isEqualTo("[3,4]");
        assertThat(body.path("roundIds").toString()).isEqualTo("[]");
        assertThat(body.path("includeAiFeedback").asBoolean()).isFalse();
        assertThat(body.path("startCheckpointId").isNull()).isTrue();
        assertThat(body.path("hyperparameters").toString()).isEqualTo("{\"learningRate\":\"1e-4\",\"epochs\":\"2\"}");
        assertThat(body.has("executor"))
                .as("absent: the API's default, a local worker")
                .isFalse();
        assertThat(headers.get(0).getFirst("Idempotency-Key")).matches("[0-9a-f-]{36}");
        assertThat(headers.get(0).getFirst("Content-Type")).isEqualTo("application/json");

        assertThat(stdout())
                .startsWith("forge: queued run 7 (my run): http://127.0.0.1:"
                        + server.getAddress().getPort() + "/engineer/runs/7\n")
                .contains("run 7: QUEUED, step 0/?, progress 0.00\n")
                // a poll that changed nothing prints nothing
                .containsOnlyOnce("run 7: RUNNING, step 1/3, progress 0.33, about 12 s left\n")
                .endsWith("run 7: SUCCEEDED, step 3/3, progress 1.00, about 12 s left\n"
                        + "forge: run 7 succeeded: checkpoint sft-7\n");
    }

    @Test
    void aRunThatFailsOrIsCancelledEndsWithStatusOneAndTheReason() {
        runStates.add(run(7, "RUNNING", 1, 3, null));
        runStates.add(run(7, "FAILED", 1, 3, "\"errorMessage\":\"the dataset has no demonstrations\"")
                .replace(",\"errorMessage\":null", ""));
        assertThat(forge("run", "new", "--type", "SFT", "--executor", "ray", "--wait"))
                .isEqualTo(1);
        assertThat(JSON.readTree(bodies.get(0)).path("executor").asString()).isEqualTo("ray");
        assertThat(stderr()).contains("forge: run 7 ended FAILED: the dataset has no demonstrations");

        err.reset();
        assertThat(forge("run", "cancel", "7")).isZero();
        assertThat(stdout()).contains("forge: run 7 is CANCEL_REQUESTED");
    }

    @Test
    void theApisRefusalsAreShownAsTheApiSaidThem() {
        createStatus = 400;
        createAnswer = "{\"errors\":{\"type\":\"Choose SFT, REWARD, PPO or DPO\"}}";
        assertThat(forge("run", "new", "--type", "PP0")).isEqualTo(1);
        assertThat(stderr())
                .contains("POST /api/engineer/runs answered HTTP 400")
                .contains("Choose SFT, REWARD");

        err.reset();
        assertThat(forge("run", "show", "8")).isEqualTo(1);
        assertThat(stderr())
                .contains("GET /api/engineer/runs/8 answered HTTP 404")
                .contains("No run 8");

        err.reset();
        assertThat(forge(Map.of("FORGE_PASSWORD", "wrong"), "run", "list")).isEqualTo(1);
        assertThat(stderr()).contains("HTTP 401").contains("check FORGE_USER / FORGE_PASSWORD");
    }

    @Test
    void listPrintsOneAlignedLinePerRun() {
        assertThat(forge("run", "list")).isZero();
        assertThat(stdout()).isEqualTo("no runs yet\n");
        out.reset();
        listAnswer = "[" + run(7, "RUNNING", 1, 4, null) + "," + run(6, "CANCEL_REQUESTED", 0, null, null) + "]";
        assertThat(forge("run", "list")).isZero();
        assertThat(stdout().lines().toList())
                .containsExactly(
                        "ID     TYPE        STATUS            PROGRESS  NAME",
                        "7      SFT         RUNNING                25%  my run",
                        "6      SFT         CANCEL_REQUESTED        0%  my run");
    }

    @Test
    void badArgumentsExitTwoAndAServiceThatIsNotThereIsSaidInWords() throws IOException {
        assertThat(forge("run")).isEqualTo(2);
        assertThat(stderr()).contains("run takes one of: new, show, list, cancel");
        assertThat(forge("run", "new", "--name", "x")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--type=TYPE'");
        assertThat(forge("run", "show", "seven")).isEqualTo(2);
        assertThat(forge("run", "new", "--type", "SFT", "--set", "epochs")).isEqualTo(2);
        assertThat(forge(Map.of("FORGE_URL", "localhost:8080"), "run", "list")).isEqualTo(2);
        assertThat(stderr()).contains("FORGE_URL must be an http(s) address");
        assertThat(requests).isEmpty();

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        err.reset();
        assertThat(forge(Map.of("FORGE_URL", "http://127.0.0.1:" + closed), "run", "list"))
                .isEqualTo(1);
        assertThat(stderr()).contains("no answer from labeling-web at http://127.0.0.1:" + closed);
    }
}
