package org.instructforge.web.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import java.util.TreeSet;
import org.instructforge.shared.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI description lists every {@code /api/**} endpoint Spring serves, with its role and error bodies; it and
 * Swagger UI are for engineers and admins only.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ApiDescriptionTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode description() throws Exception {
        String json = mvc.perform(get("/v3/api-docs").with(user("docs").roles("ML_ENGINEER")))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        return new ObjectMapper().readTree(json);
    }

    @Test
    void describesEveryApiEndpointSpringServes() throws Exception {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String path : info.getPatternValues()) {
                if (path.startsWith("/api/")) {
                    for (var verb : info.getMethodsCondition().getMethods()) {
                        served.add(verb.name().toLowerCase() + " " + path);
                    }
                }
            }
        });
        JsonNode paths = description().get("paths");
        Set<String> described = new TreeSet<>();
        paths.properties()
                .forEach(p -> p.getValue().properties().forEach(op -> described.add(op.getKey() + " " + p.getKey())));
        assertThat(served).hasSizeGreaterThan(20);
        assertThat(described).containsAll(served);
    }

    @Test
    void namesTheRoleAndErrorBodiesOfEachOperation() throws Exception {
        JsonNode api = description();
        assertThat(api.at("/components/securitySchemes/basicAuth/scheme").asText())
                .isEqualTo("basic");
        assertThat(api.at("/components/schemas/Error/properties/error").isMissingNode())
                .isFalse();
        assertThat(api.at("/components/schemas/Errors/properties/errors").isMissingNode())
                .isFalse();
        JsonNode queue = api.at("/paths/~1api~1labeler~1queue/get");
        assertThat(queue.get("description").asText()).contains("Needs role: LABELER");
        assertThat(queue.at("/responses/403").isMissingNode()).isFalse();
        assertThat(api.at("/paths/~1api~1admin~1people/get/description").asText())
                .contains("Needs role: ADMIN");
    }

    @Test
    void descriptionAndSwaggerUiAreForEngineersAndAdminsOnly() throws Exception {
        for (String path : new String[] {"/v3/api-docs", "/swagger-ui/index.html"}) {
            for (Role role : Role.values()) {
                boolean allowed = role == Role.ADMIN || role == Role.ML_ENGINEER;
                mvc.perform(get(path).with(user("docs").roles(role.name())))
                        .andExpect(allowed ? status().isOk() : status().isForbidden());
            }
            mvc.perform(get(path)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        }
    }

    @Test
    void onlySwaggerUiGetsInlineStyles() throws Exception {
        mvc.perform(get("/swagger-ui/index.html").with(user("docs").roles("ADMIN")))
                .andExpect(header().string(
                                "Content-Security-Policy",
                                org.hamcrest.Matchers.containsString("style-src 'self' 'unsafe-inline'")))
                .andExpect(header().string(
                                "Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self';")));
        mvc.perform(get("/account").with(user("docs").roles("ADMIN")))
                .andExpect(header().string(
                                "Content-Security-Policy", org.hamcrest.Matchers.containsString("style-src 'self';")));
    }
}
