package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Operators scrape training steps, tokens/s, runs by status and request latencies at /actuator/prometheus. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TrainingMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    TrainingMetrics metrics;

    private String get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void stepsAndThroughputReportedByATrainerAreScraped() throws Exception {
        metrics.stepReported("metrics-test", 1, Map.of("loss", 2.0, "response_tokens_per_second", 100.0));
        metrics.stepReported("metrics-test", 1, Map.of("val_loss", 2.5)); // the same step again: not counted twice
        metrics.stepReported("metrics-test", 3, Map.of("loss", 1.0, "response_tokens_per_second", 250.0));

        get("/actuator/health"); // one request timed before the scrape
        String body = get("/actuator/prometheus");

        assertThat(body).contains("instructforge_training_steps_total{stage=\"metrics-test\"} 3.0");
        assertThat(body)
                .contains("instructforge_training_tokens_per_second{phase=\"response\",stage=\"metrics-test\"} 250.0");
        for (String status : new String[] {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) {
            assertThat(body).contains("instructforge_training_runs{status=\"" + status + "\"}");
        }
        assertThat(body).contains("http_server_requests_seconds_count{");
    }
}
