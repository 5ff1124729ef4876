package org.instructforge.shared.db;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded PostgreSQL that both services use when no external database is configured
 * ({@code DB_URL} / {@code spring.datasource.url} empty).
 *
 * @param dataDir where the cluster lives, so data survives restarts; empty means a fresh temporary
 *     directory that is deleted on exit (tests)
 * @param port the port it listens on; both services must agree on it to share one database. 0 picks a
 *     free port (tests)
 * @param startTimeoutSeconds how long a service waits for a database that another service is starting
 */
@ConfigurationProperties("instructforge.database.embedded")
public record EmbeddedDatabaseProperties(Path dataDir, int port, int startTimeoutSeconds) {

    public EmbeddedDatabaseProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("instructforge.database.embedded.port must be 0..65535, was " + port);
        }
        if (startTimeoutSeconds <= 0) {
            startTimeoutSeconds = 60;
        }
    }
}
