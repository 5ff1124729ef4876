package org.instructforge.web.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.shared.db.RestartablePostgres;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database restarts under a labeler's hands. This test owns its PostgreSQL (a separate server process on its own
 * port and data folder, reached as an external database through {@code spring.datasource.url}) so that it can stop it
 * and start it again: while it is down the API answers 503 with {@code Retry-After} and pages a "try again" page that
 * keeps the answer the labeler had just submitted; once it is back the same browser sends that answer again and it
 * is stored once, with no restart of the application.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"instructforge.labeling.claims-per-minute=1000", "instructforge.test.context=database-outage"})
class DatabaseOutageTest {

    private static final String PASSWORD = "outage-password";

    private static RestartablePostgres database;
    private static BrowserSupport chromium;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    TaskQueue queue;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        database = RestartablePostgres.start("outage-pg");
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
    }

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = new BrowserSupport();
    }

    @AfterAll
    static void stopAll() throws IOException {
        chromium.close();
        database.close();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void anAnswerSubmittedWhileTheDatabaseRestartsIsKeptAndStoredOnceWhenItIsBack() throws Exception {
        String labeler = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(labeler, labeler, PASSWORD, Set.of(Role.LABELER), null);
        long dataset = datasets.create(ImportFixtures.allTrain("outage", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line("Name a red fruit.", "u1")));
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.DEMONSTRATION, prompt);
        String answer = "A strawberry 🍓, or a cherry.\nBoth are red.";

        try (BrowserContext context = chromium.browser.newContext();
                BrowserContext stranger = chromium.browser.newContext()) {
            Page page = BrowserSupport.signIn(context, url("/"), labeler, PASSWORD);
            Page login = stranger.newPage();
            login.navigate(url("/login")); // opened before the outage, signed in during it
            page.navigate(url("/labeler/demonstrations/" + lease.id()));
            page.locator("#answer").fill(answer);
            assertThat(page.locator("#draft-status")).containsText("Draft saved");

            database.stop();
            try {
                // Submitted with the mouse while the database is down: the "try again" page, with the answer.
                Response submitted =
                        page.waitForNavigation(() -> page.locator("#demonstration-form button[type=submit]")
                                .first()
                                .click());
                assertThat(submitted.status()).isEqualTo(503);
                assertThat(submitted.headerValue("retry-after")).isEqualTo("5");
                assertThat(page.locator("#unavailable-message")).containsText("not reachable");
                assertThat(page.locator("#send-again textarea")).hasValue(answer);
                assertThat(page.content()).doesNotContain("Exception").doesNotContain("at org.");

                // Other pages and the API say the same, the API as JSON.
                assertThat(page.context().request().get(url("/labeler")).status())
                        .isEqualTo(503);
                HttpResponse<String> api = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url("/api/labeler/tasks/next?kind=DEMONSTRATION")))
                                        .header("Authorization", basic(labeler))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(api.statusCode()).isEqualTo(503);
                assertThat(api.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(api.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
                assertThat(api.body()).startsWith("{\"error\":").contains("not reachable");

                // Signing in cannot read the accounts: "try again", not "wrong password", and no password in the page.
                login.locator("input[name=username]").fill(labeler);
                login.locator("input[name=password]").fill(PASSWORD);
                Response signIn = login.waitForNavigation(
                        () -> login.locator("form button[type=submit]").first().click());
                assertThat(signIn.status()).isEqualTo(503);
                assertThat(login.locator("#unavailable-message")).isVisible();
                assertThat(login.content()).doesNotContain(PASSWORD);
            } finally {
                database.startAgain();
            }

            // Back: the labeler sends the kept answer again, as many times as it takes, and it is stored once.
            long restarted = System.nanoTime();
            Response resent = null;
            for (int attempt = 0; attempt < 20 && (resent == null || resent.status() == 503); attempt++) {
                if (resent != null) {
                    page.waitForTimeout(500);
                }
                resent = page.waitForNavigation(
                        () -> page.locator("#send-again button[type=submit]").click());
            }
            System.out.printf(
                    "database outage: the first request after the restart served in %d ms%n",
                    Duration.ofNanos(System.nanoTime() - restarted).toMillis());
            assertThat(resent.status()).isLessThan(400);
        }
        assertThat(jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p AND status = 'SUBMITTED'")
                        .param("p", prompt)
                        .query(String.class)
                        .list())
                .containsExactly(answer);
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
