package org.instructforge.shared.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the zonky binaries on the class path, shared by everything in
 * this JVM that asks for the same data directory, and by the other service when it runs on the same
 * machine: a service that finds the server already listening on the configured port attaches to it
 * instead of starting a second one.
 */
public final class EmbeddedPostgres {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    /** One server per data directory and port, for the life of the JVM (test contexts share it). */
    private static final Map<String, EmbeddedPostgres> RUNNING = new HashMap<>();

    private final String jdbcUrl;
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server; // null when attached

    private EmbeddedPostgres(String jdbcUrl, io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.jdbcUrl = jdbcUrl;
        this.server = server;
    }

    /** Starts (or attaches to) the server described by {@code properties}. */
    public static synchronized EmbeddedPostgres obtain(EmbeddedDatabaseProperties properties) {
        String key = properties.dataDir() + ":" + properties.port();
        return RUNNING.computeIfAbsent(key, k -> startOrAttach(properties));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return USER;
    }

    /** True when this JVM started the server, false when it attached to another service's. */
    public boolean ownsServer() {
        return server != null;
    }

    private static EmbeddedPostgres startOrAttach(EmbeddedDatabaseProperties properties) {
        Instant deadline = Instant.now().plusSeconds(properties.startTimeoutSeconds());
        while (true) {
            if (properties.port() > 0 && accepts(urlFor(properties.port()))) {
                log.info("Attached to the embedded PostgreSQL already listening on port {}", properties.port());
                return new EmbeddedPostgres(urlFor(properties.port()), null);
            }
            try {
                return start(properties);
            } catch (IOException | IllegalStateException e) {
                // The other service may be starting the same cluster right now (its postmaster.pid
                // makes our start fail): wait for it to accept connections, then attach.
                if (Instant.now().isAfter(deadline) || properties.port() == 0) {
                    throw new IllegalStateException(
                            "Could not start the embedded PostgreSQL (data dir " + properties.dataDir() + ", port "
                                    + properties.port() + "). Set DB_URL to use an external server instead.",
                            e);
                }
                log.info("Embedded PostgreSQL did not start ({}); retrying", e.getMessage());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private static EmbeddedPostgres start(EmbeddedDatabaseProperties properties) throws IOException {
        boolean temporary =
                properties.dataDir() == null || properties.dataDir().toString().isBlank();
        Path dataDir = temporary ? Files.createTempDirectory("instructforge-pg") : properties.dataDir();
        Files.createDirectories(dataDir);
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                // A persistent cluster is reused across restarts; only a temporary one starts clean.
                .setCleanDataDirectory(temporary)
                .setPGStartupWait(Duration.ofSeconds(properties.startTimeoutSeconds()));
        if (properties.port() > 0) {
            builder.setPort(properties.port());
        }
        var server = builder.start();
        String url = urlFor(server.getPort());
        log.info("Started embedded PostgreSQL on port {} with data in {}", server.getPort(), dataDir);
        var embedded = new EmbeddedPostgres(url, server);
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-postgres-stop"));
        return embedded;
    }

    private void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String urlFor(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    private static boolean accepts(String url) {
        try (Connection ignored = DriverManager.getConnection(url, USER, "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for PostgreSQL", e);
        }
    }
}
