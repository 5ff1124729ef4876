package org.instructforge.training.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * labeling-web's JSON API as one account calls it from outside: HTTP Basic (the API accepts it beside the browser's
 * session), JSON in and out, an error answer as an {@link ApiException} with the status and what the API said. Plain
 * {@code java.net.http}: nothing of labeling-web is on this class path. {@code forge run} and {@code forge crowd} use
 * it.
 */
public final class LabelingApi {

    /** An error answer: the request, the status and what the API said. */
    public static final class ApiException extends IOException {
        private final int status;

        public ApiException(String what, int status, String body) {
            super(what + " answered HTTP " + status + ": " + abbreviate(body));
            this.status = status;
        }

        public int status() {
            return status;
        }

        private static String abbreviate(String body) {
            String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
            return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    /** @param base the service's root, e.g. {@code http://localhost:8080/} */
    public LabelingApi(URI base, String username, String password) {
        this.base = base;
        this.authorization = "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI base() {
        return base;
    }

    /**
     * Sends a request and reads its JSON answer (an empty object for an empty body).
     *
     * @param body serialised as JSON; null sends none
     * @throws ApiException for any answer from 300 up
     */
    public JsonNode json(String method, String path, Object body) throws IOException, InterruptedException {
        return checked(method + " " + path.replaceAll("/\\d+", "/{id}"), send(method, path, body));
    }

    /** The answer's JSON, or an {@link ApiException} for any status from 300 up. */
    public static JsonNode checked(String what, HttpResponse<String> answer) throws ApiException {
        if (answer.statusCode() >= 300) {
            throw new ApiException(what, answer.statusCode(), answer.body());
        }
        return answer.body() == null || answer.body().isBlank()
                ? JSON.createObjectNode()
                : JSON.readTree(answer.body());
    }

    /**
     * Sends a request and returns the answer as it came, whatever its status.
     *
     * @param headers more headers, as name, value, name, value...
     */
    public HttpResponse<String> send(String method, String path, Object body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
