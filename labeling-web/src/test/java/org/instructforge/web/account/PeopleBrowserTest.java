package org.instructforge.web.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole life of an account in a real browser: an admin creates a labeler with the mouse and passes on the
 * invitation link; the labeler, in a browser of their own, chooses a password (too short and common ones refused
 * beside the field), signs in and changes it; the admin issues a reset link and the labeler sets a new password
 * with it; the spent invitation link no longer works.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PeopleBrowserTest extends BrowserTest {

    @Test
    void anAdminInvitesALabelerWhoSetsChangesAndResetsTheirPassword() {
        String name = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        try (BrowserContext adminContext = chromium.browser.newContext();
                BrowserContext labelerContext = chromium.browser.newContext()) {
            Page admin = BrowserSupport.signIn(adminContext, url("/"), "admin", "admin-demo");
            admin.locator("#manage-people").click();
            admin.locator("#new-person").click();
            assertThat(admin).hasURL(Pattern.compile(".*/admin/people/new$"));
            admin.getByLabel("User name").fill(name);
            admin.getByLabel("Display name").fill("Browser Labeler");
            assertThat(admin.getByLabel("Labeler")).isChecked();
            button(admin, "Create and get the invitation link").click();
            String invitation = admin.locator(".one-time-link").inputValue();
            org.assertj.core.api.Assertions.assertThat(invitation).contains("/invitations/");
            BrowserSupport.screenshot(admin, "people-invitation-link");

            // The labeler opens the link in a browser of their own (no session shared with the admin).
            Page labeler = labelerContext.newPage();
            labelerContext.setDefaultTimeout(10_000);
            labeler.navigate(invitation);
            assertThat(labeler.locator("h1")).hasText("Welcome, Browser Labeler");
            choosePassword(labeler, "too short");
            assertThat(labeler.locator("#new-password-error")).containsText("At least 12 characters");
            choosePassword(labeler, "iloveyou1234");
            assertThat(labeler.locator("#new-password-error")).containsText("list of common passwords");
            BrowserSupport.screenshot(labeler, "people-common-password-refused");
            choosePassword(labeler, "paper lantern river stone");
            assertThat(labeler).hasURL(Pattern.compile(".*/login\\?passwordSet$"));

            Page home = BrowserSupport.signIn(labelerContext, url("/"), name, "paper lantern river stone");
            assertThat(home).hasURL(Pattern.compile(".*/labeler$"));

            // Changes their own password from the account page (their name in the menu).
            home.locator("a.who").click();
            assertThat(home).hasURL(Pattern.compile(".*/account$"));
            home.locator("input[name=currentPassword]").fill("paper lantern river stone");
            home.locator("input[name=newPassword]").fill("copper kettle on the hill");
            home.locator("input[name=confirmPassword]").fill("copper kettle on the hill");
            button(home, "Change password").click();
            assertThat(home.getByRole(AriaRole.STATUS)).hasText("Your password is changed.");

            // The admin issues a reset link from the person's page.
            admin.navigate(url("/admin/people"));
            admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name))
                    .click();
            button(admin, "Issue a password-reset link").click();
            String reset = admin.locator(".one-time-link").inputValue();
            org.assertj.core.api.Assertions.assertThat(reset).contains("/password-resets/");

            Page resetPage = labelerContext.newPage();
            resetPage.navigate(reset);
            assertThat(resetPage.locator("h1")).hasText("Choose a new password");
            choosePassword(resetPage, "seven quiet harbour lights");
            assertThat(resetPage).hasURL(Pattern.compile(".*/login\\?passwordSet$"));
            Page again = BrowserSupport.signIn(labelerContext, url("/login"), name, "seven quiet harbour lights");
            assertThat(again).hasURL(Pattern.compile(".*/labeler$"));

            // The spent invitation link says so, with a 410 and no error page.
            Page old = labelerContext.newPage();
            Response response = old.navigate(invitation);
            org.assertj.core.api.Assertions.assertThat(response.status()).isEqualTo(410);
            assertThat(old.locator("h1")).hasText("This link does not work");
            assertThat(old.locator("#link-reason")).containsText("used already");
        }
    }

    private static void choosePassword(Page page, String password) {
        page.locator("input[name=newPassword]").fill(password);
        page.locator("input[name=confirmPassword]").fill(password);
        button(page, "Set password").click();
        page.waitForLoadState();
    }

    private static com.microsoft.playwright.Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
    }
}
