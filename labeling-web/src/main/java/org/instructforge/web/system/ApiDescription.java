package org.instructforge.web.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 description of the JSON API ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}): springdoc
 * reads the controllers; this adds what it cannot see, namely HTTP Basic sign-in, the role each URL space needs
 * (the same prefixes as SecurityConfiguration's role rules) and the two error bodies every API answers with.
 */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

    static final String BASIC = "basicAuth";

    /** URL prefix under /api and who may call it; anything else needs any signed-in account. */
    private static final Map<String, String> ROLES_BY_PREFIX = Map.of(
            "/api/labeler/", "LABELER",
            "/api/admin/", "ADMIN",
            "/api/engineer/", "ML_ENGINEER",
            "/api/review/", "REVIEWER",
            "/api/exports/", "ADMIN or ML_ENGINEER");

    @Bean
    OpenAPI instructForgeApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("InstructForge API")
                        .description("Sign in with HTTP Basic (an account's name and password). Each operation's"
                                + " description names the role it needs; others get 403, anonymous callers 401."))
                .components(new Components()
                        .addSecuritySchemes(
                                BASIC,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList(BASIC));
    }

    /** Every operation: the role it needs, and the 400/401/403 answers with their bodies. */
    @Bean
    OpenApiCustomizer rolesAndErrors() {
        return api -> {
            addErrorBodies(api);
            api.getPaths()
                    .forEach((path, item) -> item.readOperations().forEach(op -> {
                        String role = requiredRole(path);
                        op.setDescription((op.getDescription() == null ? "" : op.getDescription() + "\n\n")
                                + "Needs role: " + role + ".");
                        respond(op, "400", "Bad input: one message, or one per field", "Error", "Errors");
                        respond(op, "401", "Not signed in", null);
                        respond(op, "403", "Signed in without the role " + role, null);
                    }));
        };
    }

    /** The bodies of a 4xx: {@code {"error": message}} or {@code {"errors": {field: message}}}. */
    private static void addErrorBodies(OpenAPI api) {
        Schema<?> error = new ObjectSchema()
                .addProperty("error", new StringSchema().description("What went wrong, written for the caller"))
                .required(List.of("error"));
        Schema<?> errors = new ObjectSchema()
                .addProperty(
                        "errors",
                        new MapSchema().additionalProperties(new StringSchema()).description("Message per field"))
                .required(List.of("errors"));
        api.getComponents().addSchemas("Error", error).addSchemas("Errors", errors);
    }

    static String requiredRole(String path) {
        return ROLES_BY_PREFIX.entrySet().stream()
                .filter(e -> path.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("any signed-in account");
    }

    private static void respond(Operation op, String status, String description, String... bodies) {
        if (op.getResponses().containsKey(status)) {
            return;
        }
        ApiResponse response = new ApiResponse().description(description);
        if (bodies != null && bodies.length > 0 && bodies[0] != null) {
            Schema<?> body = bodies.length == 1
                    ? new Schema<>().$ref("#/components/schemas/" + bodies[0])
                    : new Schema<>()
                            .oneOf(java.util.Arrays.stream(bodies)
                                    .map(b -> (Schema) new Schema<>().$ref("#/components/schemas/" + b))
                                    .toList());
            response.content(new Content().addMediaType("application/json", new MediaType().schema(body)));
        }
        op.getResponses().addApiResponse(status, response);
    }
}
