package org.instructforge.web.dataset;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.junit.jupiter.api.Test;

/** What an admin does in a real browser: create a dataset, import a file, review its PII, export. */
class CurationBrowserTest extends BrowserTest {

    @Test
    void anAdminImportsAFileReviewsItsPiiAndSeesThePromptsScrubbed() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", "admin", "admin-demo");
            String name = "Browser dataset " + UUID.randomUUID();

            page.navigate(url("/admin/datasets/new"));
            page.getByLabel("Name").fill(name);
            page.getByLabel("Labeling guidelines").fill("Answer briefly.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create dataset"))
                    .click();
            assertThat(page.locator("h1")).hasText(name);

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import prompts"))
                    .click();
            String jsonl = """
                    {"prompt": "What is the capital of Peru?", "user_id": "c1", "category": "closed qa"}
                    {"prompt": "Email my dentist at dr.lee@example.com to move my appointment", "user_id": "c2"}
                    {"prompt": "What is the capital of Peru?", "user_id": "c3"}
                    """;
            page.getByLabel("JSONL or CSV file")
                    .setInputFiles(new FilePayload(
                            "prompts.jsonl", "application/octet-stream", jsonl.getBytes(StandardCharsets.UTF_8)));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import"))
                    .click();

            // The import page reloads itself until the import has ended.
            assertThat(page.locator("#import-status")).containsText("SUCCEEDED");
            assertThat(page.locator("#prompts-added")).hasText("2");
            BrowserSupport.screenshot(page, "import-finished");

            page.navigate(url("/admin/pii"));
            var item = page.locator(".review-item")
                    .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("dr.lee@example.com"));
            assertThat(item.locator("mark")).hasText("dr.lee@example.com");
            BrowserSupport.screenshot(page, "pii-review");
            item.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Accept"))
                    .first()
                    .click();

            page.navigate(url("/admin"));
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Browse prompts"))
                    .click();
            assertThat(page.locator("#prompts")).containsText("Email my dentist at [EMAIL]");
            assertThat(page.locator("#prompts")).not().containsText("dr.lee@example.com");
            BrowserSupport.screenshot(page, "prompt-browser");
        }
    }

    @Test
    void aFileWithBadLinesIsRejectedAndEveryBadLineIsListed() {
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", "admin", "admin-demo");
            page.navigate(url("/admin/datasets/new"));
            page.getByLabel("Name").fill("Bad lines " + UUID.randomUUID());
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create dataset"))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import prompts"))
                    .click();
            String jsonl = "{\"prompt\": \"fine\", \"user_id\": \"u\"}\n{\"prompt\": \"no user\"}\n\n";
            page.getByLabel("JSONL or CSV file")
                    .setInputFiles(new FilePayload(
                            "bad.jsonl", "application/octet-stream", jsonl.getBytes(StandardCharsets.UTF_8)));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import"))
                    .click();

            assertThat(page.locator("#import-status")).containsText("REJECTED");
            assertThat(page.locator("#import-errors")).containsText("user_id");
            assertThat(page.locator("#import-errors tbody tr")).hasCount(2);
            assertThat(page).hasURL(Pattern.compile(".*/admin/imports/\\d+$"));
            BrowserSupport.screenshot(page, "import-rejected");
        }
    }
}
