package org.instructforge.web.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.audit.AuditRecord;
import org.instructforge.web.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Five failed sign-ins for one name within the window refuse that name's sign-ins, form and HTTP Basic, even with
 * the right password, until the window has passed; every failure and the lockout are audited. The window is 3 s
 * here (15 minutes in production) so that the test can wait it out.
 */
@SpringBootTest(properties = {"instructforge.sign-in.window=3s", "instructforge.sign-in.max-failures=5"})
@AutoConfigureMockMvc
class SignInThrottleTest {

    static final String PASSWORD = "throttle test passphrase";

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Autowired
    AuditTrail audit;

    private String account() {
        String name = "throttle-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, PASSWORD, Set.of(Role.LABELER), null);
        return name;
    }

    @Test
    void fiveFailuresRefuseTheRightPasswordUntilTheWindowHasPassed() throws Exception {
        String name = account();
        for (int i = 0; i < 5; i++) {
            mvc.perform(formLogin("/login").user(name).password("wrong guess " + i))
                    .andExpect(redirectedUrl("/login?error"));
        }
        long lockedAt = System.nanoTime();
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(redirectedUrl("/login?locked"));
        mvc.perform(get("/api/me").header("Authorization", basic(name, PASSWORD)))
                .andExpect(status().isUnauthorized());

        assertThat(audit.latest(100).stream()
                        .filter(a -> name.equals(a.targetId()))
                        .map(AuditRecord::action))
                .contains("auth.locked_out")
                .filteredOn("auth.failure"::equals)
                .hasSizeGreaterThanOrEqualTo(7); // five wrong passwords and the two refused right ones
        assertThat(audit.latest(100).stream()
                        .filter(a -> name.equals(a.targetId()) && a.action().equals("auth.failure"))
                        .map(AuditRecord::details))
                .anyMatch(details -> details.contains("LockedException"));

        // Refused attempts do not extend the lockout: once the window has passed, the right password works.
        Thread.sleep(Math.max(0, 3_300 - (System.nanoTime() - lockedAt) / 1_000_000));
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(redirectedUrl("/"));
        mvc.perform(get("/api/me").header("Authorization", basic(name, PASSWORD)))
                .andExpect(status().isOk());
    }

    @Test
    void fourFailuresAndThenTheRightPasswordStartTheCountAfresh() throws Exception {
        String name = account();
        for (int i = 0; i < 4; i++) {
            mvc.perform(formLogin("/login").user(name).password("typo " + i)).andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(redirectedUrl("/"));
        for (int i = 0; i < 4; i++) {
            mvc.perform(formLogin("/login").user(name).password("typo " + i)).andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(redirectedUrl("/"));
    }

    @Test
    void httpBasicFailuresCountTowardTheSameLockout() throws Exception {
        String name = account();
        for (int i = 0; i < 5; i++) {
            mvc.perform(get("/api/me").header("Authorization", basic(name, "nope " + i)))
                    .andExpect(status().isUnauthorized());
        }
        mvc.perform(formLogin("/login").user(name).password(PASSWORD)).andExpect(redirectedUrl("/login?locked"));
    }

    @Test
    void anUnknownNameIsThrottledLikeAKnownOne() throws Exception {
        String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            mvc.perform(formLogin("/login").user(unknown).password("guess " + i))
                    .andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(formLogin("/login").user(unknown).password("guess")).andExpect(redirectedUrl("/login?locked"));
    }

    /**
     * A wrong password for a name without an account is checked against a dummy bcrypt hash, so it takes about as
     * long as for a real account. Without that comparison it would be about a hundred times faster (no bcrypt at
     * all); the bound below (a quarter) leaves room for a busy machine and still catches that.
     */
    @Test
    void aWrongPasswordForAnUnknownNameCostsAboutAsMuchAsForAKnownOne() throws Exception {
        String known = account();
        // Warm up both paths (class loading, JIT) before measuring.
        signInMillis(known, "warm up 1");
        signInMillis("nobody-" + UUID.randomUUID(), "warm up");
        long[] knownTimes = new long[3];
        long[] unknownTimes = new long[3];
        for (int i = 0; i < 3; i++) {
            knownTimes[i] = signInMillis(known, "wrong " + i);
            unknownTimes[i] = signInMillis("nobody-" + UUID.randomUUID(), "wrong " + i);
        }
        assertThat(median(unknownTimes)).isGreaterThanOrEqualTo(median(knownTimes) / 4);
    }

    private long signInMillis(String name, String password) throws Exception {
        long start = System.nanoTime();
        mvc.perform(formLogin("/login").user(name).password(password)).andExpect(redirectedUrl("/login?error"));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }
}
