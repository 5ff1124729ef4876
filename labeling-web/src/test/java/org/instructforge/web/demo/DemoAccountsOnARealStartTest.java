package org.instructforge.web.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.instructforge.shared.Role;
import org.instructforge.web.LabelingWebApplication;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.account.Person;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;

/**
 * A data folder the demo ran on, started again without demo mode: the demo accounts that still have their published
 * passwords are disabled with a warning, the one-time admin is made as on a fresh start (taking over the demo admin's
 * name), and a demo account whose password was changed is left alone. Two real starts of the app on one data folder
 * of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoAccountsOnARealStartTest {

    private static final Pattern PRINTED = Pattern.compile("Created admin account 'admin' with password: (\\S+)");

    @Test
    void aRealStartDisablesTheDemoAccountsWarnsAndMakesTheOneTimeAdmin(CapturedOutput output) {
        String dataDir = "target/demo-then-real-" + UUID.randomUUID();
        try (ConfigurableApplicationContext demo = start(dataDir, true)) {
            // An engineer who changed their demo password is a real credential now, not a published one.
            demo.getBean(Accounts.class)
                    .changeOwnPassword("engineer", "engineer-demo", "a private passphrase for ml work");
        }
        int before = output.getOut().length();

        try (ConfigurableApplicationContext real = start(dataDir, false)) {
            String printed = output.getOut().substring(before);
            assertThat(printed)
                    .contains("WARNING: demo accounts found on a start without demo mode")
                    .contains("published: labeler, admin.")
                    .contains("DISABLED");
            Matcher admin = PRINTED.matcher(printed);
            assertThat(admin.find())
                    .as("the one-time admin password is printed")
                    .isTrue();
            Accounts accounts = real.getBean(Accounts.class);
            assertThat(person(accounts, "labeler").enabled()).isFalse();
            assertThat(person(accounts, "engineer").enabled()).isTrue();
            assertThat(person(accounts, "admin").enabled()).isTrue();
            assertThat(person(accounts, "admin").roles()).containsExactly(Role.ADMIN);

            AuthenticationProvider signIn = real.getBean(AuthenticationProvider.class);
            assertThat(signIn.authenticate(token("admin", admin.group(1))).isAuthenticated())
                    .isTrue();
            assertThatThrownBy(() -> signIn.authenticate(token("admin", "admin-demo")))
                    .isInstanceOf(AuthenticationException.class);
            assertThatThrownBy(() -> signIn.authenticate(token("labeler", "labeler-demo")))
                    .isInstanceOf(AuthenticationException.class);
        }
    }

    private static Person person(Accounts accounts, String username) {
        return accounts.people().stream()
                .filter(p -> p.username().equals(username))
                .findFirst()
                .orElseThrow();
    }

    private static UsernamePasswordAuthenticationToken token(String name, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(name, password);
    }

    private static ConfigurableApplicationContext start(String dataDir, boolean demo) {
        // Command-line arguments: they outrank the test configuration (demo mode, a temporary database).
        return new SpringApplicationBuilder(LabelingWebApplication.class)
                .run(
                        "--server.port=0",
                        "--instructforge.demo.enabled=" + demo,
                        "--instructforge.database.embedded.data-dir=" + dataDir,
                        "--spring.task.scheduling.enabled=false");
    }
}
