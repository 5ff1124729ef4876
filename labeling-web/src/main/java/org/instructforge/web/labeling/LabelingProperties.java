package org.instructforge.web.labeling;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The task queue's rules.
 *
 * @param leaseDuration how long a task stays reserved for the labeler who took it (default 30 minutes);
 *     after that it returns to the queue, though the labeler's draft is kept
 * @param claimsPerMinute how many tasks one labeler may take per minute (default 30): stops a script or a
 *     stuck key from draining the queue
 * @param maxDemonstrationChars the longest demonstration accepted (default 10,000 characters)
 */
@ConfigurationProperties("instructforge.labeling")
public record LabelingProperties(Duration leaseDuration, Integer claimsPerMinute, Integer maxDemonstrationChars) {

    public LabelingProperties {
        if (leaseDuration == null) {
            leaseDuration = Duration.ofMinutes(30);
        }
        if (claimsPerMinute == null) {
            claimsPerMinute = 30;
        }
        if (maxDemonstrationChars == null) {
            maxDemonstrationChars = 10_000;
        }
    }
}
