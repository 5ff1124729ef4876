package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/** A script that claims faster than the rate limit gets 429 with the reason, as JSON. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=3")
@AutoConfigureMockMvc
class LabelerApiRateLimitTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Test
    void claimsPastTheRateLimitAreRefusedWith429() throws Exception {
        String labeler = "rate-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(labeler, labeler, "rate-password", Set.of(Role.LABELER), null);
        for (int i = 0; i < 3; i++) {
            MockHttpServletResponse next = next(labeler);
            assertThat(next.getStatus()).isIn(200, 204);
            if (next.getStatus() == 200) {
                // Hand other tests' tasks straight back.
                long lease = JsonMapper.builder()
                        .build()
                        .readTree(next.getContentAsString())
                        .path("leaseId")
                        .asLong();
                mvc.perform(post("/api/labeler/tasks/" + lease + "/skip")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reason\": \"rate limit test\"}")
                        .with(httpBasic(labeler, "rate-password")));
            }
        }

        MockHttpServletResponse refused = next(labeler);

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getContentAsString()).contains("\"error\"").contains("3 tasks in the last minute");
    }

    private MockHttpServletResponse next(String labeler) throws Exception {
        return mvc.perform(post("/api/labeler/tasks/next")
                        .param("kind", "COMPARISON")
                        .with(httpBasic(labeler, "rate-password")))
                .andReturn()
                .getResponse();
    }
}
