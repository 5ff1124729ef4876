package org.instructforge.web.training;

import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/** Asks the training service's health endpoint whether it is up and which device its engine uses. */
@Component
class TrainingServiceStatus {

    /** What the dashboard shows; {@code device} is null when the service did not say. */
    record Status(boolean reachable, String state, String device, String detail) {}

    private final RestClient client;
    private final TrainingServiceProperties properties;

    TrainingServiceStatus(TrainingServiceProperties properties) {
        this.properties = properties;
        var requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(properties.timeout());
        requests.setReadTimeout(properties.timeout());
        this.client = RestClient.builder()
                .baseUrl(properties.url().toString())
                .requestFactory(requests)
                .build();
    }

    Status check() {
        try {
            // A DOWN service answers 503 with the same body: read it either way.
            JsonNode health = client.get()
                    .uri("/actuator/health")
                    .exchange((request, response) -> response.bodyTo(JsonNode.class));
            if (health == null) {
                return new Status(true, "UNKNOWN", null, "empty health answer");
            }
            JsonNode engine = health.path("components").path("engine").path("details");
            String device = engine.path("device").isMissingNode()
                    ? null
                    : engine.path("device").asString();
            return new Status(
                    true,
                    health.path("status").asString("UNKNOWN"),
                    device,
                    engine.path("engine").asString(""));
        } catch (RestClientException e) {
            return new Status(false, "UNREACHABLE", null, "No answer from " + properties.url() + ": " + e.getMessage());
        }
    }
}
