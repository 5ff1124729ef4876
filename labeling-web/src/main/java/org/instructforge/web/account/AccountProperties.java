package org.instructforge.web.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Accounts created at start-up.
 *
 * @param initialAdminUsername the admin created on the first start when no admin exists; its random
 *     password is printed once
 */
@ConfigurationProperties("instructforge.accounts")
public record AccountProperties(String initialAdminUsername) {

    public AccountProperties {
        if (initialAdminUsername == null || initialAdminUsername.isBlank()) {
            initialAdminUsername = "admin";
        }
    }
}
