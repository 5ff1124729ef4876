package org.instructforge.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
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
        try (var connection =
                        DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                var result = connection.createStatement().executeQuery("SHOW server_version")) {
            result.next();
            assertThat(result.getString(1)).startsWith("15.");
        }
    }

    @Test
    void theFirstStartKeepsARandomPasswordOwnerOnlyInTheDataFolderAndTheServerAsksForItOnLoopbackOnly()
            throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir, freePort(), 30));
        Path file = dataDir.resolveSibling(dataDir.getFileName() + ".password");

        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file).strip())
                .isEqualTo(postgres.password())
                .hasSize(32);
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), ""))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "postgres"))
                .isInstanceOf(SQLException.class);
        try (var connection =
                        DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                var result = connection.createStatement().executeQuery("SHOW listen_addresses")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo("localhost");
        }
        assertThat(EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(null, 0, 30))
                        .password())
                .as("each cluster has a password of its own")
                .isNotEqualTo(postgres.password());
    }

    @Test
    void aSecondServiceAttachesToTheServerAlreadyListeningOnThePort() throws Exception {
        int port = freePort();
        EmbeddedPostgres first = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir, port, 30));
        // The same folder spelled another way stands for the other service's configuration (another JVM).
        EmbeddedPostgres second =
                EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(dataDir.toAbsolutePath(), port, 30));

        assertThat(first.ownsServer()).isTrue();
        assertThat(second.ownsServer()).isFalse();
        assertThat(second.jdbcUrl()).isEqualTo(first.jdbcUrl());
        assertThat(second.password()).as("read from the data folder").isEqualTo(first.password());
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
