package org.instructforge.web.replicas;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.instructforge.shared.process.LabelingWebServer;

/**
 * What a browser keeps between requests, for talking to replicas without one: the {@code SESSION} cookie (sent to
 * whichever replica the request goes to, as a load balancer would) and the CSRF token of the last page read.
 */
final class BrowserSession {

    /** How the tests talk to replicas: redirects are not followed, so a test sees where each answer points. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern SESSION_COOKIE = Pattern.compile("^SESSION=([^;]*)");

    private String session;
    private String csrf;

    /** Signs in through the sign-in form of this replica, as a person does. */
    static BrowserSession signIn(LabelingWebServer replica, String username, String password)
            throws IOException, InterruptedException {
        BrowserSession browser = new BrowserSession();
        browser.get(replica, "/login");
        HttpResponse<String> signedIn =
                browser.post(replica, "/login", Map.of("username", username, "password", password));
        if (signedIn.statusCode() != 302
                || !signedIn.headers().firstValue("Location").orElse("").endsWith("/")) {
            throw new IllegalStateException("Sign-in of " + username + " on " + replica + " answered "
                    + signedIn.statusCode() + " " + signedIn.headers().firstValue("Location"));
        }
        return browser;
    }

    HttpResponse<String> get(LabelingWebServer replica, String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(replica.url(path))).GET());
        Matcher token = CSRF.matcher(response.body());
        if (token.find()) {
            csrf = token.group(1);
        }
        return response;
    }

    /** A form post carrying the CSRF token of the last page read (from whichever replica rendered it). */
    HttpResponse<String> post(LabelingWebServer replica, String path, Map<String, String> fields)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        if (csrf != null) {
            form.put("_csrf", csrf);
        }
        return postWithoutToken(replica, path, form);
    }

    /** A form post with only the given fields: what a forged cross-site form would send. */
    HttpResponse<String> postWithoutToken(LabelingWebServer replica, String path, Map<String, String> fields)
            throws IOException, InterruptedException {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (session != null) {
            request.header("Cookie", "SESSION=" + session);
        }
        HttpResponse<String> response =
                HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            Matcher value = SESSION_COOKIE.matcher(cookie);
            if (value.find()) {
                session = value.group(1).isEmpty() ? null : value.group(1);
            }
        }
        return response;
    }
}
