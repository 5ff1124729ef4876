package org.instructforge.web.replicas;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.instructforge.shared.db.EmbeddedDatabaseProperties;
import org.instructforge.shared.db.EmbeddedPostgres;
import org.instructforge.shared.process.LabelingWebServer;
import org.instructforge.web.BrowserSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two labeling-web replicas, each the packaged jar in a process of its own on its own port, on one PostgreSQL: what
 * a load balancer in front of them may do to a labeler (send each request to either, lose one replica) changes
 * nothing the labeler sees. Sessions, their CSRF tokens, the "disabled account ends its sessions" mark and the claim
 * rate limit all live in the database (SecurityConfiguration, ClaimRateLimiter), so each test below would fail with
 * any of them kept in one JVM's memory. The last test kills replica A; the others use both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasIT {

    private static final String PASSWORD = "replica-password";
    /** Low enough that one labeler reaches it in a few claims: both replicas together allow this many a minute. */
    private static final int CLAIMS_PER_MINUTE = 4;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JdbcClient jdbc;
    private LabelingWebServer a;
    private LabelingWebServer b;
    private BrowserSupport chromium;

    @BeforeAll
    void startTwoReplicasOnOneDatabase() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(Path.of(""), 0, 60));
        LabelingWebServer.Database database =
                new LabelingWebServer.Database(postgres.jdbcUrl(), postgres.username(), postgres.password());
        jdbc = JdbcClient.create(new DriverManagerDataSource(database.url(), database.user(), database.password()));
        String limit = "--instructforge.labeling.claims-per-minute=" + CLAIMS_PER_MINUTE;
        // One after the other: the first migrates the schema and adds the demo data, the second finds both there.
        a = replica("replica-a", database, limit);
        b = replica("replica-b", database, limit);
        chromium = new BrowserSupport();
    }

    /**
     * One replica as a load balancer sees it: the packaged jar ({@code mvn package} writes it before {@code mvn
     * verify} runs the {@code *IT} tests) in a process of its own, its console in {@code target/<name>.log}.
     */
    private static LabelingWebServer replica(String name, LabelingWebServer.Database database, String... arguments)
            throws Exception {
        return LabelingWebServer.start(
                name,
                Path.of("target"),
                "run `mvn verify` (the README's test command), which packages it before the *IT tests",
                Path.of("target", name + ".log"),
                database,
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of(arguments),
                Duration.ofSeconds(240));
    }

    @AfterAll
    void stopReplicas() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        for (LabelingWebServer replica : new LabelingWebServer[] {a, b}) {
            if (replica != null) {
                replica.close();
            }
        }
    }

    @Test
    @Order(1)
    void aFormRenderedByOneReplicaIsAcceptedByTheOther() throws Exception {
        String labeler = labeler();
        BrowserSession browser = BrowserSession.signIn(a, labeler, PASSWORD);

        // Replica A leases a demonstration and renders its form, with the session's CSRF token.
        String taskPage = location(browser.get(a, "/labeler/next?kind=DEMONSTRATION"));
        assertThat(taskPage).matches(".*/labeler/demonstrations/\\d+");
        String path = URI.create(taskPage).getPath();
        assertThat(browser.get(a, path).statusCode()).isEqualTo(200);

        // A forged post (no token) is refused by B; the form's own post, token and all, is taken by B.
        HttpResponse<String> forged = browser.postWithoutToken(b, path, Map.of("text", "Forged."));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> submitted = browser.post(b, path, Map.of("text", "Written on A, sent to B."));
        assertThat(submitted.statusCode()).as(b.tail()).isEqualTo(302);
        assertThat(location(submitted)).endsWith("/labeler/next?kind=DEMONSTRATION");

        assertThat(submittedTexts(labeler)).containsExactly("Written on A, sent to B.");
    }

    @Test
    @Order(2)
    void theJsonApiServesOneTaskFromEitherReplica() throws Exception {
        String labeler = labeler();
        HttpResponse<String> claimed = api(a, labeler, "POST", "/api/labeler/tasks/next?kind=DEMONSTRATION", null);
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        long lease = JSON.readTree(claimed.body()).path("leaseId").asLong();

        assertThat(api(b, labeler, "GET", "/api/labeler/tasks/" + lease, null).statusCode())
                .isEqualTo(200);
        assertThat(api(b, labeler, "POST", "/api/labeler/demonstrations/" + lease, "{\"text\": \"Via B.\"}")
                        .statusCode())
                .isEqualTo(204);
        // A retry that reaches the other replica stores nothing twice.
        assertThat(api(a, labeler, "POST", "/api/labeler/demonstrations/" + lease, "{\"text\": \"Via B.\"}")
                        .statusCode())
                .isEqualTo(204);

        assertThat(submittedTexts(labeler)).containsExactly("Via B.");
    }

    @Test
    @Order(3)
    void disablingAnAccountOnOneReplicaEndsItsSessionsOnTheOther() throws Exception {
        String labeler = labeler();
        BrowserSession onB = BrowserSession.signIn(b, labeler, PASSWORD);
        BrowserSession secondDevice = BrowserSession.signIn(a, labeler, PASSWORD);
        assertThat(onB.get(b, "/labeler").statusCode()).isEqualTo(200);
        assertThat(sessionsOf(labeler)).isEqualTo(2);

        HttpResponse<String> disabled =
                api(a, "admin", "POST", "/api/admin/people/" + idOf(labeler) + "/disable", null);
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

        assertThat(location(onB.get(b, "/labeler"))).endsWith("/login?ended");
        assertThat(location(secondDevice.get(b, "/labeler"))).endsWith("/login?ended");
        assertThat(sessionsOf(labeler))
                .as("both sessions are gone from the database")
                .isZero();
        assertThat(api(b, labeler, "GET", "/api/labeler/queue", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    @Order(4)
    void theClaimRateLimitCountsClaimsOnBothReplicas() throws Exception {
        String labeler = labeler();
        List<Integer> answers = new ArrayList<>();
        for (int i = 0; i < CLAIMS_PER_MINUTE + 2; i++) {
            LabelingWebServer replica = i % 2 == 0 ? a : b;
            HttpResponse<String> next =
                    api(replica, labeler, "POST", "/api/labeler/tasks/next?kind=DEMONSTRATION", null);
            answers.add(next.statusCode());
            if (next.statusCode() == 200) {
                // Give it back at once (on the other replica), so the next call claims anew rather than answering
                // the held task.
                long lease = JSON.readTree(next.body()).path("leaseId").asLong();
                api(replica == a ? b : a, labeler, "POST", "/api/labeler/tasks/" + lease + "/release", null);
            }
        }
        // Each replica saw three claims, under the limit of four had each counted alone.
        assertThat(answers.subList(0, CLAIMS_PER_MINUTE)).allMatch(status -> status == 200 || status == 204);
        assertThat(answers.subList(CLAIMS_PER_MINUTE, answers.size())).containsOnly(429);
    }

    @Test
    @Order(5)
    void aReplicaKilledMidTaskLosesNothingAndTheOtherFinishesTheTask() throws Exception {
        String labeler = labeler();
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = BrowserSupport.signIn(context, a.url("/labeler"), labeler, PASSWORD);
            page.navigate(a.url("/labeler"));
            // A link styled as a button (role="button"), as on the labeler's home page.
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Write demonstrations"))
                    .click();
            page.waitForURL(url -> url.matches(".*/labeler/demonstrations/\\d+"));
            String path = URI.create(page.url()).getPath();
            page.locator("#answer").fill("Drafted on A");
            assertThat(page.locator("#draft-status")).containsText("Draft saved");

            a.kill();
            assertThat(a.alive()).isFalse();

            // The load balancer sends the labeler to B: same cookie, no new sign-in, the draft is there.
            page.navigate(b.url(path));
            assertThat(page.locator("#answer")).hasValue("Drafted on A");
            page.locator("#answer").press("End");
            page.locator("#answer").pressSequentially(", finished on B.");
            assertThat(page.locator("#draft-status")).containsText("Draft saved");
            page.locator("#answer").press("Control+Enter");
            page.waitForURL(url -> !url.endsWith(path));
        }
        assertThat(submittedTexts(labeler)).containsExactly("Drafted on A, finished on B.");
    }

    /** A new labeler with a password, straight into the shared database (both replicas see it at once). */
    private String labeler() {
        String name = "replica-" + UUID.randomUUID().toString().substring(0, 8);
        long id = jdbc.sql("INSERT INTO app_user (username, display_name, password_hash) VALUES (:u, :u, :hash)"
                        + " RETURNING id")
                .param("u", name)
                .param(
                        "hash",
                        PasswordEncoderFactories.createDelegatingPasswordEncoder()
                                .encode(PASSWORD))
                .query(Long.class)
                .single();
        jdbc.sql("INSERT INTO app_user_role (user_id, role) VALUES (:id, 'LABELER')")
                .param("id", id)
                .update();
        return name;
    }

    private long idOf(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .single();
    }

    private List<String> submittedTexts(String labeler) {
        return jdbc.sql("""
                        SELECT d.text FROM demonstration d JOIN app_user u ON u.id = d.labeler_id
                        WHERE u.username = :u AND d.status = 'SUBMITTED'""").param("u", labeler).query(String.class).list();
    }

    private int sessionsOf(String username) {
        return jdbc.sql("SELECT count(*) FROM spring_session WHERE principal_name = :u")
                .param("u", username)
                .query(Integer.class)
                .single();
    }

    /** A JSON API call with HTTP Basic (the demo admin's password, or a test labeler's). */
    private HttpResponse<String> api(
            LabelingWebServer replica, String username, String method, String path, String json) throws Exception {
        String password = username.equals("admin") ? "admin-demo" : PASSWORD;
        String credentials =
                Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Authorization", "Basic " + credentials)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return BrowserSession.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern LOCATION_PATH = Pattern.compile("^(?:https?://[^/]+)?(/.*)$");

    private static String location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElse("");
        Matcher path = LOCATION_PATH.matcher(location);
        return path.matches() ? path.group(1) : location;
    }
}
