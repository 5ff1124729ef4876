package org.instructforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service starts on the real schema and says, on its health endpoint, which device it computes on. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TrainingServiceHealthTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Test
    void healthReportsUpAndTheDeviceTheEngineSees() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        JsonNode engine = health.path("components").path("engine").path("details");
        boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
        assertThat(engine.path("deviceType").asString()).isEqualTo(gpu ? "GPU" : "CPU");
        assertThat(engine.path("device").asString()).isEqualTo(gpu ? "gpu(0)" : "cpu()");
        assertThat(engine.path("engine").asString()).startsWith("PyTorch 2.7.1");
    }
}
