package org.instructforge.web.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Accounts created at start-up, and the one-time links people set their passwords with.
 *
 * @param initialAdminUsername the admin created on the first start when no admin exists; its random
 *     password is printed once
 * @param linkValidity how long an invitation or password-reset link works (7 days: long enough for a link passed
 *     on by hand over a weekend, short enough that a forgotten one does not stay a way in)
 */
@ConfigurationProperties("instructforge.accounts")
public record AccountProperties(String initialAdminUsername, Duration linkValidity) {

    public AccountProperties {
        if (initialAdminUsername == null || initialAdminUsername.isBlank()) {
            initialAdminUsername = "admin";
        }
        if (linkValidity == null) {
            linkValidity = Duration.ofDays(7);
        }
    }
}
