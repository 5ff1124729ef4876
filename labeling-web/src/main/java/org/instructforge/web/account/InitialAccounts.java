package org.instructforge.web.account;

import java.security.SecureRandom;
import java.util.EnumSet;
import org.instructforge.shared.Role;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can sign in: on a start that finds no enabled admin, creates one with a random
 * password and prints it once. There is never a fixed default password (the demo's accounts are made by
 * the demo data, which runs before this and only in demo mode; outside demo mode they are disabled before this
 * runs, and the one-time admin takes over the demo admin's name).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class InitialAccounts implements ApplicationRunner {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Accounts accounts;
    private final AccountProperties properties;

    InitialAccounts(Accounts accounts, AccountProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (accounts.anyEnabledAdmin()) {
            return;
        }
        String username = properties.initialAdminUsername();
        String password = randomPassword(20);
        if (!accounts.exists(username)) {
            accounts.create(username, "Administrator", password, EnumSet.of(Role.ADMIN), null);
        } else if (!accounts.takeOverDisabledDemoAccount(username, password)) {
            throw new IllegalStateException("No enabled admin exists and the initial admin name '" + username
                    + "' is taken: set instructforge.accounts.initial-admin-username to a free name");
        }
        // Credentials go to the console, not the log: log files are often shipped elsewhere and kept.
        System.out.println("\n=== InstructForge: first start ===\n"
                + "  Created admin account '" + username + "' with password: " + password + "\n"
                + "  It is shown only this once: sign in and keep it safe.\n"
                + "==================================\n");
    }

    static String randomPassword(int length) {
        StringBuilder password = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
