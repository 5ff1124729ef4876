package org.instructforge.shared.db;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server (the embedded binaries, as a separate process) that can be stopped and started again on the
 * same data folder and port, as an operator's restart or a fail-over looks to its clients. The database-outage
 * tests of both services (labeling-web's {@code DatabaseOutageTest}, training-service's {@code
 * WorkerDatabaseOutageTest}) reach it as an external database, user and password {@code postgres}.
 */
public final class RestartablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private RestartablePostgres(Path dataDir, int port) throws IOException {
        this.dataDir = dataDir;
        this.port = port;
        startAgain();
    }

    /** A new cluster in a temporary folder named after {@code name}, on a free port. */
    public static RestartablePostgres start(String name) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return new RestartablePostgres(Files.createTempDirectory(name), port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Stops the server: clients' connections break and new ones are refused. */
    public void stop() throws IOException {
        server.close();
    }

    /** Starts the same cluster on the same port again. */
    public void startAgain() throws IOException {
        server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
