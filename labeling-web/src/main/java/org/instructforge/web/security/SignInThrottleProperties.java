package org.instructforge.web.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Throttling of failed sign-ins per account name and per client address.
 *
 * @param maxFailures failed sign-ins within {@code window} after which the name's sign-ins are refused (5)
 * @param window how far back failures count, and so how long a lockout lasts at most (15 minutes: enough to
 *     make guessing a 12-character password hopeless, short enough that a person who mistyped waits a coffee)
 * @param maxFailuresPerAddress failed sign-ins from one client address within {@code window}, whatever the names,
 *     after which that address's sign-ins are refused (100; see {@link SignInThrottle} for why this number)
 */
@ConfigurationProperties("instructforge.sign-in")
public record SignInThrottleProperties(Integer maxFailures, Duration window, Integer maxFailuresPerAddress) {

    public SignInThrottleProperties {
        if (maxFailures == null || maxFailures < 1) {
            maxFailures = 5;
        }
        if (maxFailuresPerAddress == null || maxFailuresPerAddress < 1) {
            maxFailuresPerAddress = 100;
        }
        if (window == null || window.isNegative() || window.isZero()) {
            window = Duration.ofMinutes(15);
        }
    }
}
