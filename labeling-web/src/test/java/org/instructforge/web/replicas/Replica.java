package org.instructforge.web.replicas;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One labeling-web replica as a load balancer sees it: the packaged jar ({@code mvn package} writes it before
 * {@code mvn verify} runs the {@code *IT} tests) started as its own process on a free port, on a database given by
 * {@code DB_URL}, in demo mode (its demo accounts and dataset). Its console goes to {@code target/<name>.log}.
 */
final class Replica implements AutoCloseable {

    /** How the tests talk to replicas: redirects are not followed, so a test sees where each answer points. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private Replica(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the replica and waits until its health probe answers 200. */
    static Replica start(String name, Database database, String... arguments) throws Exception {
        int port = freePort();
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar().toString(),
                "--server.port=" + port,
                "--instructforge.demo.enabled=true"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DB_URL", database.url());
        builder.environment().put("DB_USER", database.user());
        builder.environment().put("DB_PASSWORD", database.password());
        Replica replica = new Replica(name, builder.start(), log, port);
        replica.awaitHealthy(Duration.ofSeconds(240));
        return replica;
    }

    /** Where the replicas' database is. */
    record Database(String url, String user, String password) {}

    private static Path jar() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("labeling-web-.*\\.jar"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "No labeling-web jar in " + target + ": run `mvn verify` (the README's test command), which"
                            + " packages it before the *IT tests",
                    e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy(Duration limit) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> health = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url("/actuator/health")))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " was not healthy within " + limit + ":\n" + tail());
    }

    /** This replica's address for a path, e.g. {@code http://localhost:41234/labeler}. */
    String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Ends the process at once, as a crash or {@code kill -9} would: no shutdown hook, no graceful drain. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The end of the replica's console, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
