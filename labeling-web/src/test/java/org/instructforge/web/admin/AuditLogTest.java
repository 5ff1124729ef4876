package org.instructforge.web.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.instructforge.web.audit.AuditRecord;
import org.instructforge.web.audit.AuditSearch;
import org.instructforge.web.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/** The whole audit log: paged newest first, filtered by person, action and days, with bad filters refused. */
@SpringBootTest
@AutoConfigureMockMvc
class AuditLogTest {

    @Autowired
    AuditTrail trail;

    @Autowired
    AuditSearch search;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MockMvc mvc;

    @Test
    void theLogIsPagedNewestFirstAndFilteredByPersonActionAndDay() throws Exception {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 120; i++) {
            trail.record(alice, "test.alice_did", "thing", i);
        }
        trail.record(bob, "test.bob_did", "thing", 1);
        trail.record(bob, "test.alice_did", "thing", 2);
        // One of Alice's lines happened ten days ago.
        jdbc.sql("UPDATE audit_log SET occurred_at = now() - interval '10 days'"
                        + " WHERE actor_username = :a AND target_id = '0'")
                .param("a", alice)
                .update();

        AuditSearch.Page first = search.search(new AuditSearch.Filter(alice, null, null, null, 1));
        assertThat(first.total()).isEqualTo(120);
        assertThat(first.lines()).hasSize(AuditSearch.PAGE_SIZE);
        assertThat(first.lines().get(0).targetId()).isEqualTo("119");
        assertThat(first.pages()).isEqualTo(3);
        AuditSearch.Page last = search.search(new AuditSearch.Filter(alice, null, null, null, 3));
        assertThat(last.lines()).hasSize(20);
        assertThat(last.lines().get(19).targetId()).isEqualTo("0");

        assertThat(search.search(new AuditSearch.Filter(bob, "test.alice_did", null, null, 1))
                        .lines())
                .extracting(AuditRecord::targetId)
                .containsExactly("2");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(search.search(new AuditSearch.Filter(alice, null, null, today.minusDays(5), 1))
                        .lines())
                .extracting(AuditRecord::targetId)
                .containsExactly("0");
        assertThat(search.search(new AuditSearch.Filter(alice, null, today.minusDays(1), today, 1))
                        .total())
                .isEqualTo(119);

        mvc.perform(get("/admin/audit")
                        .param("person", alice)
                        .param("page", "2")
                        .with(user("auditor").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Entries 51–100 of 120")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("id=\"newer\"")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("id=\"older\"")));
    }

    @Test
    void badFiltersAreRefusedWithAReason() throws Exception {
        mvc.perform(get("/admin/audit").param("page", "0").with(user("auditor").roles("ADMIN")))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("The page number starts at 1.")));
        mvc.perform(get("/admin/audit")
                        .param("from", "2026-05-02")
                        .param("to", "2026-05-01")
                        .with(user("auditor").roles("ADMIN")))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("comes after the last day")));
        mvc.perform(get("/admin/audit")
                        .param("from", "yesterday")
                        .with(user("auditor").roles("ADMIN")))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/admin/audit")
                        .param("page", "two")
                        .with(user("auditor").roles("ADMIN")))
                .andExpect(status().isBadRequest());
    }
}
