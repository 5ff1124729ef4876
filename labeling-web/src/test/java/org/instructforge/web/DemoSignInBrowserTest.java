package org.instructforge.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A real browser signs in as each demo account and lands on that role's home page. */
class DemoSignInBrowserTest extends BrowserTest {

    @Test
    void labelerSignsInAndSeesTheirTaskQueue() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "labeler", "labeler-demo");
            assertThat(page).hasURL(Pattern.compile(".*/labeler$"));
            assertThat(page.locator("h1")).hasText("Your tasks");
            // Demo prompts cleared of PII in the train and validation splits wait for demonstrations
            // (test-split prompts are kept for evaluation; the two with PII wait for review).
            org.assertj.core.api.Assertions.assertThat(Integer.parseInt(
                            page.locator("#demonstrations-waiting").textContent()))
                    .isPositive();
            assertThat(page.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Write demonstrations")))
                    .isVisible();
            // The labeler's navigation bar holds the labeler's links only, the current one marked.
            assertThat(page.locator("nav a[aria-current=page]")).hasText("Tasks");
            assertThat(page.getByRole(
                            com.microsoft.playwright.options.AriaRole.LINK,
                            new Page.GetByRoleOptions().setName("PII review")))
                    .hasCount(0);
            BrowserSupport.screenshot(page, "labeler-home");
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
            BrowserSupport.screenshot(page, "admin-home");
        }
    }

    @Test
    void engineerSignsInAndSeesRunsAndCheckpoints() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "engineer", "engineer-demo");
            assertThat(page).hasURL(Pattern.compile(".*/engineer$"));
            assertThat(page.locator("h1")).hasText("Training");
            assertThat(page.locator("#training-service")).containsText("UNREACHABLE");
            // Other tests in this JVM share the database and queue runs: whether the list is empty depends on order.
            assertThat(page.locator("#new-run")).isVisible();
            BrowserSupport.screenshot(page, "engineer-home");
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
        Page page = signIn(context, "/", username, password);
        return page;
    }
}
