package org.instructforge.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresTest {

    // Not a JUnit @TempDir: the server outlives the test (it stops at JVM exit) and needs its folder.
    Path dataDir;

    @BeforeEach
    void createDataDir() throws Exception {
        Files.createDirectories(Path.of("target"));
        dataDir = Files.createTempDirectory(Path.of("target"), "embedded-pg-test-");
    }

    @Test
    void startsARealPostgresThatKeepsItsDataInTheConfiguredFolder() throws Exception {
        int port = freePort();
        EmbeddedPostgres postgres = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir, port, 30));

        assertThat(postgres.ownsServer()).isTrue();
        assertThat(dataDir.resolve("PG_VERSION")).exists();
        try (var connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "");
                var result = connection.createStatement().executeQuery("SHOW server_version")) {
            result.next();
            assertThat(result.getString(1)).startsWith("15.");
        }
    }

    @Test
    void aSecondServiceAttachesToTheServerAlreadyListeningOnThePort() throws Exception {
        int port = freePort();
        EmbeddedPostgres first = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir, port, 30));
        // Another data dir key with the same port stands for the other service's configuration.
        EmbeddedPostgres second =
                EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir.resolve("other"), port, 30));

        assertThat(first.ownsServer()).isTrue();
        assertThat(second.ownsServer()).isFalse();
        assertThat(second.jdbcUrl()).isEqualTo(first.jdbcUrl());
    }

    @Test
    void sameSettingsInOneJvmShareOneServer() {
        var properties = new EmbeddedDatabaseProperties(null, 0, 30);
        assertThat(EmbeddedPostgres.obtain(properties)).isSameAs(EmbeddedPostgres.obtain(properties));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
