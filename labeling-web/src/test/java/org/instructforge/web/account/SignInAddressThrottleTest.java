package org.instructforge.web.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.instructforge.shared.Role;
import org.instructforge.web.audit.AuditRecord;
import org.instructforge.web.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Failures from one client address are limited whatever the names (password spraying: one guess per name never
 * locks a name): past the limit that address's sign-ins are refused, the right password included, while other
 * addresses sign in; the lockout is audited and ends with the window. Limit 6 and window 3 s here (100 and 15
 * minutes in production); each test signs in from addresses of its own (TEST-NET-3, RFC 5737).
 */
@SpringBootTest(
        properties = {
            "instructforge.sign-in.window=3s",
            "instructforge.sign-in.max-failures=5",
            "instructforge.sign-in.max-failures-per-address=6"
        })
@AutoConfigureMockMvc
class SignInAddressThrottleTest {

    static final String PASSWORD = "address throttle passphrase";

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Autowired
    AuditTrail audit;

    @Test
    void sprayingOneGuessOverManyNamesLocksTheAddressButNoOneElse() throws Exception {
        String sprayer = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 127);
        String colleague = "203.0.113." + ThreadLocalRandom.current().nextInt(128, 255);
        String name = account();
        for (int i = 0; i < 6; i++) {
            mvc.perform(signIn("sprayed-" + i + "-" + UUID.randomUUID(), "Summer2026!", sprayer))
                    .andExpect(redirectedUrl("/login?error"));
        }
        long lockedAt = System.nanoTime();

        mvc.perform(signIn(name, PASSWORD, sprayer)).andExpect(redirectedUrl("/login?locked"));
        mvc.perform(get("/api/me")
                        .header("Authorization", basic(name, PASSWORD))
                        .with(from(sprayer)))
                .andExpect(status().isUnauthorized());
        mvc.perform(signIn(name, PASSWORD, colleague)).andExpect(redirectedUrl("/"));
        assertThat(audit.latest(100).stream()
                        .filter(a -> sprayer.equals(a.targetId()))
                        .map(AuditRecord::action))
                .containsExactly("auth.address_locked_out");

        Thread.sleep(Math.max(0, 3_300 - (System.nanoTime() - lockedAt) / 1_000_000));
        mvc.perform(signIn(name, PASSWORD, sprayer)).andExpect(redirectedUrl("/"));
    }

    @Test
    void failuresBelowTheAddressLimitLockNothing() throws Exception {
        String address = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255);
        String name = account();
        for (int i = 0; i < 5; i++) {
            mvc.perform(signIn("typo-" + i + "-" + UUID.randomUUID(), "guess", address))
                    .andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(signIn(name, PASSWORD, address)).andExpect(redirectedUrl("/"));
    }

    private String account() {
        String name = "addr-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, PASSWORD, Set.of(Role.LABELER), null);
        return name;
    }

    private static MockHttpServletRequestBuilder signIn(String name, String password, String address) {
        return post("/login")
                .param("username", name)
                .param("password", password)
                .with(csrf())
                .with(from(address));
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    private static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes());
    }
}
