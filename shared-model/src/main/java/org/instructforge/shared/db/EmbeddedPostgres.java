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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the zonky binaries on the class path, shared by everything in
 * this JVM that asks for the same data directory, and by the other service when it runs on the same
 * machine: a service that finds the server already listening on the configured port attaches to it
 * instead of starting a second one.
 *
 * <p>It listens on loopback only ({@code listen_addresses = localhost}) and asks every connection for the password
 * that the first start generated and keeps in the data folder ({@link DatabasePassword}); both services read it
 * from there. A cluster made before passwords (it trusted every local connection) is given one on its next start.
 */
public final class EmbeddedPostgres {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    /** One server per data directory and port, for the life of the JVM (test contexts share it). */
    private static final Map<String, EmbeddedPostgres> RUNNING = new HashMap<>();

    /** The first line of the pg_hba.conf written here: a cluster that has it asks for passwords. */
    static final String HBA_MARKER = "# InstructForge: a password for every connection";

    private static final String PG_HBA = HBA_MARKER + """
             (scram-sha-256); the server listens on loopback only.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private final String jdbcUrl;
    private final String password;
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server; // null when attached

    private EmbeddedPostgres(
            String jdbcUrl, String password, io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.jdbcUrl = jdbcUrl;
        this.password = password;
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

    /** The password kept in the data folder. */
    public String password() {
        return password;
    }

    /** True when this JVM started the server, false when it attached to another service's. */
    public boolean ownsServer() {
        return server != null;
    }

    private static EmbeddedPostgres startOrAttach(EmbeddedDatabaseProperties properties) {
        Instant deadline = Instant.now().plusSeconds(properties.startTimeoutSeconds());
        while (true) {
            // The other service writes the password before it sets it, so a server that listens while the file is
            // missing is still being set up: wait for the file.
            Optional<String> password = persistent(properties)
                    ? DatabasePassword.read(DatabasePassword.fileFor(properties.dataDir()))
                    : Optional.empty();
            if (properties.port() > 0 && password.isPresent() && accepts(urlFor(properties.port()), password.get())) {
                log.info("Attached to the embedded PostgreSQL already listening on port {}", properties.port());
                return new EmbeddedPostgres(urlFor(properties.port()), password.get(), null);
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

    private static boolean persistent(EmbeddedDatabaseProperties properties) {
        return properties.dataDir() != null && !properties.dataDir().toString().isBlank();
    }

    private static EmbeddedPostgres start(EmbeddedDatabaseProperties properties) throws IOException {
        boolean temporary = !persistent(properties);
        Path dataDir = temporary ? Files.createTempDirectory("instructforge-pg") : properties.dataDir();
        Files.createDirectories(dataDir);
        Path passwordFile = DatabasePassword.fileFor(dataDir);
        if (temporary) {
            passwordFile.toFile().deleteOnExit();
        }
        String password = DatabasePassword.readOrCreate(passwordFile);
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                // A persistent cluster is reused across restarts; only a temporary one starts clean.
                .setCleanDataDirectory(temporary)
                .setPGStartupWait(Duration.ofSeconds(properties.startTimeoutSeconds()))
                // Loopback only (PostgreSQL's default, stated so that no configuration can widen it unnoticed).
                .setServerConfig("listen_addresses", "localhost")
                // zonky checks the new server with this; a cluster that still trusts everyone ignores it.
                .setConnectConfig("password", password);
        if (properties.port() > 0) {
            builder.setPort(properties.port());
        }
        var server = builder.start();
        String url = urlFor(server.getPort());
        requirePassword(dataDir, url, password);
        log.info("Started embedded PostgreSQL on port {} with data in {}", server.getPort(), dataDir);
        var embedded = new EmbeddedPostgres(url, password, server);
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-postgres-stop"));
        return embedded;
    }

    /**
     * A fresh cluster (initdb trusts every local connection) or one made before passwords: sets the kept password
     * and replaces pg_hba.conf so that every connection must give it, then reloads the configuration.
     */
    private static void requirePassword(Path dataDir, String url, String password) throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        if (Files.readString(hba).startsWith(HBA_MARKER)) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(url, USER, password);
                var statement = connection.createStatement()) {
            // The password is ours (letters and digits only), so it can stand in the statement.
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Files.writeString(hba, PG_HBA);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not set the embedded PostgreSQL's password", e);
        }
        log.info("The embedded PostgreSQL now asks for the password kept in {}", DatabasePassword.fileFor(dataDir));
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

    private static boolean accepts(String url, String password) {
        try (Connection ignored = DriverManager.getConnection(url, USER, password)) {
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
