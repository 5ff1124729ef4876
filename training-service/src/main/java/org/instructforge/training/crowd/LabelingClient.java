package org.instructforge.training.crowd;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.instructforge.training.api.LabelingApi;
import tools.jackson.databind.JsonNode;

/**
 * labeling-web's public HTTP API as one account uses it (HTTP Basic, as {@code forge run} signs in): the admin's people
 * API, the invitation page a new account chooses its password on, and the labeler API's tasks and answers. Speaks
 * plain HTTP only: nothing of labeling-web is on the class path.
 */
final class LabelingClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final LabelingApi api;

    LabelingClient(URI base, String username, String password) {
        this.api = new LabelingApi(base, username, password);
    }

    /**
     * Creates a labeler account through the admin API; answers the one-time invitation link it comes with.
     *
     * @throws LabelingApi.ApiException 400 when the username is taken or invalid, 403 when this account is no admin
     */
    String createLabeler(String username, String displayName) throws IOException, InterruptedException {
        JsonNode created = api.json(
                "POST",
                "/api/admin/people",
                Map.of("username", username, "displayName", displayName, "roles", java.util.List.of("LABELER")));
        return created.path("invitation").path("url").asString();
    }

    /**
     * Chooses the password on the invitation link's page, as a person's browser does: the page's form with its CSRF
     * token and session cookie. No credentials are sent: the link is the proof.
     */
    static void choosePassword(URI invitation, String password) throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(invitation)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !token.find()) {
            throw new LabelingApi.ApiException("GET " + invitation.getPath(), page.statusCode(), page.body());
        }
        String form = "_csrf=" + encode(token.group(1)) + "&newPassword=" + encode(password) + "&confirmPassword="
                + encode(password);
        HttpResponse<String> chosen = browser.send(
                HttpRequest.newBuilder(invitation)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String location = chosen.headers().firstValue("Location").orElse("");
        if (chosen.statusCode() != 302 || !location.contains("passwordSet")) {
            throw new LabelingApi.ApiException("POST " + invitation.getPath(), chosen.statusCode(), chosen.body());
        }
    }

    /** The next task of this kind leased to this account, or empty when none waits for it (204). */
    Optional<JsonNode> next(String kind) throws IOException, InterruptedException {
        HttpResponse<String> answer = api.send("POST", "/api/labeler/tasks/next?kind=" + kind, null);
        if (answer.statusCode() == 204) {
            return Optional.empty();
        }
        return Optional.of(LabelingApi.checked("POST /api/labeler/tasks/next", answer));
    }

    void demonstrate(long lease, String text) throws IOException, InterruptedException {
        api.json("POST", "/api/labeler/demonstrations/" + lease, Map.of("text", text));
    }

    void rank(long lease, Object ranking) throws IOException, InterruptedException {
        api.json("POST", "/api/labeler/rankings/" + lease, ranking);
    }

    void judge(long lease, Object judgement) throws IOException, InterruptedException {
        api.json("POST", "/api/labeler/comparisons/" + lease, judgement);
    }

    void skip(long lease, String reason) throws IOException, InterruptedException {
        api.json("POST", "/api/labeler/tasks/" + lease + "/skip", Map.of("reason", reason));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
