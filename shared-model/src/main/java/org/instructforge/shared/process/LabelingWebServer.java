package org.instructforge.shared.process;

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
 * labeling-web's packaged jar started as a process of its own, on a free port, on a database given by {@code DB_URL}
 * and in demo mode (its demo accounts and dataset), as a user or a load balancer meets it. The tests of both services
 * that need labeling-web running (labeling-web's replica tests, training-service's closed loop) start it here. Its
 * console goes to a log file; {@link #tail} reads its end for failure messages.
 */
public final class LabelingWebServer implements AutoCloseable {

    /** Where the server's database is. */
    public record Database(String url, String user, String password) {}

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private LabelingWebServer(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the jar found in {@code jarFolder} (a module's {@code target}) with these JVM options and application
     * arguments, and waits until its health probe answers 200; a process that exits first fails at once with its
     * log.
     *
     * @param howToBuild said when no jar is there, e.g. which Maven command packages it first
     */
    public static LabelingWebServer start(
            String name,
            Path jarFolder,
            String howToBuild,
            Path log,
            Database database,
            List<String> jvmOptions,
            List<String> arguments,
            Duration healthyWithin)
            throws IOException, InterruptedException {
        Path jar = jar(jarFolder, howToBuild);
        int port = freePort();
        Path console = log.toAbsolutePath();
        Files.createDirectories(console.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--instructforge.demo.enabled=true"));
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile());
        builder.environment().put("DB_URL", database.url());
        builder.environment().put("DB_USER", database.user());
        builder.environment().put("DB_PASSWORD", database.password() == null ? "" : database.password());
        LabelingWebServer server = new LabelingWebServer(name, builder.start(), console, port);
        try {
            server.awaitHealthy(healthyWithin);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.kill();
            throw e;
        }
        return server;
    }

    private static Path jar(Path folder, String howToBuild) {
        Path target = folder.toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("labeling-web-.*\\.jar"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No labeling-web jar in " + target + ": " + howToBuild, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy(Duration limit) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> health = http.send(
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

    /** The server's address for a path, e.g. {@code http://localhost:41234/labeler}. */
    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Ends the process at once, as a crash or {@code kill -9} would: no shutdown hook, no graceful drain. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The last 60 lines of the server's console. */
    public String tail() {
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

    /** Stops the server as a clean shutdown does, and ends it at once if it has not stopped within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
