package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** The first start outside demo mode, on a database of its own: one admin, a random password printed once. */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        properties = {
            "instructforge.demo.enabled=false",
            "instructforge.database.embedded.data-dir=target/first-start-db-${random.uuid}"
        })
@AutoConfigureMockMvc
class FirstStartTest {

    private static final Pattern PRINTED = Pattern.compile("Created admin account 'admin' with password: (\\S+)");

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Test
    void firstStartCreatesOneAdminWhoseRandomPasswordIsPrintedAndWorks(CapturedOutput output) throws Exception {
        Matcher printed = PRINTED.matcher(output.getOut());
        assertThat(printed.find()).as("the admin password is printed").isTrue();
        String password = printed.group(1);

        assertThat(password).hasSize(20).isNotEqualTo("admin").isNotEqualTo("admin-demo");
        assertThat(accounts.people())
                .singleElement()
                .satisfies(admin -> assertThat(admin.roles()).containsExactly(Role.ADMIN));
        assertThat(accounts.exists("labeler"))
                .as("no demo accounts outside demo mode")
                .isFalse();
        mvc.perform(formLogin("/login").user("admin").password(password)).andExpect(redirectedUrl("/"));
    }
}
