package org.instructforge.web.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.web.account.Accounts;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A start without demo mode on a data folder a demo once ran on: the demo accounts' passwords are printed in the
 * README and at every demo start, so any of them that still signs in with its demo password is disabled here, with
 * a warning on the console, before the one-time admin is made (InitialAccounts runs last and takes over the demo
 * admin's name with a fresh random password, as on a fresh start).
 *
 * <p>Disabled rather than refusing to start: the labels the demo accounts wrote stay, the rest of the data folder is
 * usable at once, and nothing is needed from the operator but reading the warning. A demo account whose password
 * was changed is no longer a published credential and is left alone.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1)
@ConditionalOnBooleanProperty(name = "instructforge.demo.enabled", havingValue = false, matchIfMissing = true)
class DemoAccountsGuard implements ApplicationRunner {

    private final Accounts accounts;

    DemoAccountsGuard(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void run(ApplicationArguments args) {
        Map<String, String> published = new LinkedHashMap<>();
        DemoData.ACCOUNTS.forEach(demo -> published.put(demo.username(), demo.password()));
        List<String> disabled = accounts.disableIfPasswordStill(published);
        if (!disabled.isEmpty()) {
            // The console, like the one-time admin password: the operator who started the server reads it.
            System.out.println("\n=== WARNING: demo accounts found on a start without demo mode ===\n"
                    + "  This data folder holds demo accounts whose passwords are published: "
                    + String.join(", ", disabled)
                    + ".\n  They are now DISABLED (their labels stay). An admin can re-enable one after\n"
                    + "  issuing it a password-reset link. To run the demo instead, start with demo mode\n"
                    + "  (./forge demo) on a data folder of its own.\n"
                    + "==================================================================\n");
        }
    }
}
