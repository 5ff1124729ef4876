package org.instructforge.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A real browser signs in as each demo account and lands on that role's home page. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoSignInBrowserTest {

    static BrowserSupport chromium;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = new BrowserSupport();
    }

    @AfterAll
    static void stopBrowser() {
        chromium.close();
    }

    @Test
    void labelerSignsInAndSeesTheirTaskQueue() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "labeler", "labeler-demo");
            assertThat(page).hasURL(Pattern.compile(".*/labeler$"));
            assertThat(page.locator("h1")).hasText("Your tasks");
            // The 24 demo prompts without PII wait for demonstrations (the two with PII wait for review);
            // other tests share the database and may add more.
            org.assertj.core.api.Assertions.assertThat(Integer.parseInt(
                            page.locator("#demonstrations-waiting").textContent()))
                    .isGreaterThanOrEqualTo(24);
            assertThat(page.getByText("Datasets & people")).hasCount(0);
            screenshot(page, "labeler-home");
        }
    }

    @Test
    void adminSignsInAndSeesDatasetsAndPeople() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "admin", "admin-demo");
            assertThat(page).hasURL(Pattern.compile(".*/admin$"));
            assertThat(page.locator("h1")).hasText("Prompt datasets");
            assertThat(page.locator("#datasets")).containsText("Demo: everyday instructions");
            assertThat(page.locator("#people")).containsText("engineer");
            screenshot(page, "admin-home");
        }
    }

    @Test
    void engineerSignsInAndSeesRunsAndCheckpoints() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "engineer", "engineer-demo");
            assertThat(page).hasURL(Pattern.compile(".*/engineer$"));
            assertThat(page.locator("h1")).hasText("Training");
            assertThat(page.locator("#training-service")).containsText("UNREACHABLE");
            assertThat(page.locator("#empty-runs")).isVisible();
            screenshot(page, "engineer-home");
        }
    }

    @Test
    void aWrongPasswordKeepsTheVisitorOnTheLoginPageWithAnError() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "admin", "not-the-password");
            assertThat(page).hasURL(Pattern.compile(".*/login\\?error$"));
            assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.ALERT))
                    .isVisible();
        }
    }

    @Test
    void aSignedInLabelerIsRefusedTheAdminPage() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "labeler", "labeler-demo");
            var response = page.navigate(url("/admin"));
            org.assertj.core.api.Assertions.assertThat(response.status()).isEqualTo(403);
        }
    }

    private Page signIn(BrowserContext context, String username, String password) {
        Page page = context.newPage();
        page.navigate(url("/"));
        assertThat(page).hasURL(Pattern.compile(".*/login$"));
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        page.waitForLoadState();
        return page;
    }

    /** Kept under target/screenshots so a person can look at what the test saw. */
    private static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(java.nio.file.Path.of("target/screenshots", name + ".png"))
                .setFullPage(true));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
