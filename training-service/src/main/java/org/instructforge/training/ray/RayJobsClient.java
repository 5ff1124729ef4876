package org.instructforge.training.ray;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Ray Jobs REST API of one cluster's head node (its dashboard, port 8265 by default), as Ray documents it
 * (docs.ray.io, "Ray Jobs REST API"): submit with {@code POST /api/jobs/} (the trailing slash matters), read a job
 * with {@code GET /api/jobs/{submission_id}}, its whole driver log with {@code GET /api/jobs/{submission_id}/logs}
 * and stop it with {@code POST /api/jobs/{submission_id}/stop}.
 */
public final class RayJobsClient {

    /** A job as {@code GET /api/jobs/{id}} answers: its status and Ray's message (why it failed, for one). */
    public record JobInfo(String submissionId, RayJobStatus status, String message) {}

    /** What to submit: the shell command, its runtime environment and metadata (Ray stores strings only there). */
    public record Submission(
            String submissionId, String entrypoint, Map<String, Object> runtimeEnv, Map<String, String> metadata) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI address;
    private final Duration timeout;
    private final HttpClient http;

    /** @param address the dashboard's address, e.g. {@code http://ray-head:8265} */
    public RayJobsClient(URI address, Duration timeout) {
        this.address = URI.create(address.toString().replaceAll("/+$", "") + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Submits the job; Ray answers {@code {"job_id": ..., "submission_id": ...}}. */
    public String submit(Submission job) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entrypoint", job.entrypoint());
        body.put("submission_id", job.submissionId());
        body.set("runtime_env", JSON.valueToTree(job.runtimeEnv()));
        body.set("metadata", JSON.valueToTree(job.metadata()));
        JsonNode answer = send(
                HttpRequest.newBuilder(resolve("api/jobs/"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                "submit job " + job.submissionId());
        return answer.path("submission_id").asString(job.submissionId());
    }

    /** The job, or empty when the cluster does not know it (404). */
    public Optional<JobInfo> job(String submissionId) {
        HttpResponse<String> response =
                exchange(HttpRequest.newBuilder(jobUri(submissionId, "")).GET(), "read job " + submissionId);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode answer = parse(response, "read job " + submissionId);
        String status = answer.path("status").asString("");
        try {
            return Optional.of(new JobInfo(
                    submissionId,
                    RayJobStatus.valueOf(status),
                    answer.path("message").asString(null)));
        } catch (IllegalArgumentException e) {
            throw new RayJobsException(
                    "Ray at " + address + " answered job " + submissionId + " with an unknown status '" + status + "'",
                    false,
                    e);
        }
    }

    /** The job's whole driver log so far: {@code {"logs": "..."}}. */
    public String logs(String submissionId) {
        return send(HttpRequest.newBuilder(jobUri(submissionId, "/logs")).GET(), "read the logs of job " + submissionId)
                .path("logs")
                .asString("");
    }

    /** Asks Ray to stop the job; answers {@code stopped} (false: it had finished already). */
    public boolean stop(String submissionId) {
        return send(
                        HttpRequest.newBuilder(jobUri(submissionId, "/stop")).POST(HttpRequest.BodyPublishers.noBody()),
                        "stop job " + submissionId)
                .path("stopped")
                .asBoolean(false);
    }

    public URI address() {
        return address;
    }

    private URI jobUri(String submissionId, String suffix) {
        return resolve("api/jobs/" + URLEncoder.encode(submissionId, StandardCharsets.UTF_8) + suffix);
    }

    private URI resolve(String path) {
        return address.resolve(path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        return parse(exchange(request, what), what);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, String what) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RayJobsException(
                    "The Ray Jobs API at " + address + " is unreachable (" + what + "): "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    true,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RayJobsException("Interrupted while asking Ray to " + what, true, e);
        }
    }

    private JsonNode parse(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new RayJobsException(
                    "Ray at " + address + " refused to " + what + ": HTTP " + response.statusCode() + " "
                            + abbreviate(response.body()),
                    false,
                    null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (RuntimeException e) {
            throw new RayJobsException(
                    "Ray at " + address + " answered " + what + " with no JSON: " + abbreviate(response.body()),
                    false,
                    e);
        }
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
