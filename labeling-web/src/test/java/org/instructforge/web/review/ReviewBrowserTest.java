package org.instructforge.web.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.instructforge.shared.Role;
import org.instructforge.web.BrowserTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * A reviewer works the queue with the mouse: accepts one demonstration, corrects another, rejects a third (first
 * without a reason, which is refused beside the form); the SFT export then holds the accepted text and the edit, not
 * the rejected answer, and the rejected labeler reads the reason on their "My reviews" page.
 */
@Import(ReviewFixtures.class)
class ReviewBrowserTest extends BrowserTest {

    @Autowired
    ReviewFixtures fx;

    @Test
    void aReviewerAcceptsEditsAndRejectsAndTheExportAndTheAuthorSeeIt() throws Exception {
        long dataset = fx.dataset(100, "Capital of Chile?", "Capital of Kenya?", "Capital of Nepal?");
        String labeler = fx.person("lab", Role.LABELER);
        long accepted = fx.demonstrate(labeler, fx.prompt(dataset, "Capital of Chile?"), "Santiago.");
        long edited = fx.demonstrate(labeler, fx.prompt(dataset, "Capital of Kenya?"), "Nairobbi.");
        long rejected = fx.demonstrate(labeler, fx.prompt(dataset, "Capital of Nepal?"), "Delhi.");
        String reviewer = fx.person("rev", Role.REVIEWER);

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", reviewer, ReviewFixtures.PASSWORD);
            assertThat(page).hasURL(url("/review"));

            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName("Demonstration " + accepted)
                                    .setExact(true))
                    .click();
            assertThat(page.locator("#original")).hasText("Santiago.");
            page.getByRole(
                            AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Accept").setExact(true))
                    .click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Demonstration accepted.");

            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName("Demonstration " + edited)
                                    .setExact(true))
                    .click();
            page.getByLabel("Corrected demonstration").fill("Nairobi.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept with my edit"))
                    .click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("accepted with your edit");

            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions()
                                    .setName("Demonstration " + rejected)
                                    .setExact(true))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reject"))
                    .click();
            assertThat(page.locator("#review-error")).containsText("Say why you reject this label");
            page.getByLabel("Why reject it").fill("Delhi is the capital of India; Nepal's is Kathmandu.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reject"))
                    .click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("rejected");
            for (long reviewed : new long[] {accepted, edited, rejected}) {
                assertThat(page.getByRole(
                                AriaRole.LINK,
                                new Page.GetByRoleOptions()
                                        .setName("Demonstration " + reviewed)
                                        .setExact(true)))
                        .hasCount(0);
            }
        }

        String sft = fx.sftExport(dataset);
        org.assertj.core.api.Assertions.assertThat(sft)
                .contains("\"completion\":\"Santiago.\"", "\"completion\":\"Nairobi.\"")
                .doesNotContain("Nairobbi.", "Delhi.");

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", labeler, ReviewFixtures.PASSWORD);
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions().setName("My reviews").setExact(true))
                    .first()
                    .click();
            assertThat(page.locator("#my-reviews tr[data-outcome=REJECTED]"))
                    .containsText("Delhi is the capital of India; Nepal's is Kathmandu.");
            assertThat(page.locator("#my-reviews tr[data-outcome=EDITED]")).containsText("Trained on: Nairobi.");
            assertThat(page.locator("#my-reviews tr[data-outcome=ACCEPTED]")).containsText("accepted");
        }
    }
}
