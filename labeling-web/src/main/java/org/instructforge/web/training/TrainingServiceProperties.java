package org.instructforge.web.training;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the training service listens, for the dashboard's status line.
 *
 * @param url its base URL (default {@code http://localhost:8081})
 * @param timeout how long the dashboard waits for its health answer before showing it as unreachable
 */
@ConfigurationProperties("instructforge.training-service")
public record TrainingServiceProperties(URI url, Duration timeout) {

    public TrainingServiceProperties {
        if (url == null) {
            url = URI.create("http://localhost:8081");
        }
        if (timeout == null) {
            timeout = Duration.ofSeconds(2);
        }
    }
}
