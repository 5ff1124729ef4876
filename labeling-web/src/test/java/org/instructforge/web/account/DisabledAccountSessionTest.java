package org.instructforge.web.account;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Disabling an account ends the sessions it has open, not only its next sign-in; other people stay signed in. (Across
 * two replicas: TwoReplicasIT.)
 */
@SpringBootTest
@AutoConfigureMockMvc
class DisabledAccountSessionTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Test
    void disablingAnAccountEndsItsOpenSessionsAtOnce() throws Exception {
        Person disabled = labeler();
        Person other = labeler();
        Cookie session = signIn(disabled);
        Cookie otherSession = signIn(other);
        mvc.perform(get("/labeler").cookie(session)).andExpect(status().isOk());

        accounts.changeAccess(disabled.id(), false, "admin");

        mvc.perform(get("/labeler").cookie(session)).andExpect(redirectedUrl("/login?ended"));
        mvc.perform(get("/labeler").cookie(otherSession)).andExpect(status().isOk());
        mvc.perform(formLogin("/login").user(disabled.username()).password("session-password"))
                .andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void theSignInPageSaysWhyTheSessionEnded() throws Exception {
        mvc.perform(get("/login").param("ended", ""))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("the account was disabled")));
    }

    private Person labeler() {
        String name = "session-" + UUID.randomUUID().toString().substring(0, 8);
        return accounts.create(name, name, "session-password", Set.of(Role.LABELER), null);
    }

    /** The session cookie of a form sign-in: the session itself is a row in PostgreSQL (Spring Session JDBC). */
    private Cookie signIn(Person person) throws Exception {
        return mvc.perform(formLogin("/login").user(person.username()).password("session-password"))
                .andExpect(redirectedUrl("/"))
                .andReturn()
                .getResponse()
                .getCookie("SESSION");
    }
}
