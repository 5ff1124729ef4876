package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.instructforge.shared.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** Operators scrape queue depth, leases and request latencies at /actuator/prometheus; labelers and strangers don't. */
@SpringBootTest
@AutoConfigureMockMvc
class QueueMetricsTest {

    @Autowired
    MockMvc mvc;

    @Test
    void engineersAndAdminsScrapeQueueDepthLeasesAndRequestLatencies() throws Exception {
        mvc.perform(get("/api/me").with(user("probe").roles("LABELER"))).andExpect(status().isOk());
        for (Role role : new Role[] {Role.ADMIN, Role.ML_ENGINEER}) {
            String body = mvc.perform(
                            get("/actuator/prometheus").with(user("ops").roles(role.name())))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            for (TaskKind kind : TaskKind.values()) {
                assertThat(body).contains("instructforge_queue_depth{kind=\"" + kind.name() + "\"}");
                assertThat(body).contains("instructforge_queue_leases{kind=\"" + kind.name() + "\"}");
            }
            assertThat(body).contains("http_server_requests_seconds_count{");
        }
    }

    @Test
    void labelersReviewersAndStrangersAreDenied() throws Exception {
        for (Role role : new Role[] {Role.LABELER, Role.REVIEWER}) {
            mvc.perform(get("/actuator/prometheus").with(user("nosy").roles(role.name())))
                    .andExpect(status().isForbidden());
        }
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isFound());
    }
}
