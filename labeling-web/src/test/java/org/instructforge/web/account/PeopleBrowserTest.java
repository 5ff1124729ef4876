package org.instructforge.web.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.team.Teams;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The whole life of an account in a real browser: an admin makes a team, gives it a dataset, creates a labeler in
 * that team with the mouse and passes on the invitation link; the labeler, in a browser of their own, chooses a
 * password (too short and common ones refused beside the field), signs in, is offered their team's dataset and not
 * another team's, and changes their password; the admin issues a reset link and the labeler sets a new password
 * with it; the spent invitation link no longer works; five wrong passwords lock the name, right password or not.
 */
class PeopleBrowserTest extends BrowserTest {

    @Autowired
    Teams teams;

    @Test
    void anAdminInvitesALabelerWhoSetsChangesAndResetsTheirPassword() throws Exception {
        String name = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        String ours = dataset("Ours " + name);
        String theirs = dataset("Theirs " + name);
        long otherTeam = teams.create("Other team " + name, "admin").id();
        teams.changeDatasets(otherTeam, List.of(datasetId(theirs)), "admin");
        try (BrowserContext adminContext = chromium.browser.newContext();
                BrowserContext labelerContext = chromium.browser.newContext()) {
            Page admin = signIn(adminContext, "/", "admin", "admin-demo");
            admin.locator("#manage-people").click();
            admin.locator("#manage-teams").click();
            admin.getByLabel("New team").fill("Team " + name);
            button(admin, "Create team").click();
            admin.locator("#datasets-form").getByLabel(ours, exact()).check();
            button(admin, "Save datasets").click();
            assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Datasets saved");
            admin.navigate(url("/admin/people"));
            admin.locator("#new-person").click();
            assertThat(admin).hasURL(Pattern.compile(".*/admin/people/new$"));
            admin.getByLabel("User name").fill(name);
            admin.getByLabel("Display name").fill("Browser Labeler");
            assertThat(admin.getByLabel("Labeler")).isChecked();
            admin.locator("#teams").getByLabel("Team " + name, exact()).check();
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

            Page home = signIn(labelerContext, "/", name, "paper lantern river stone");
            assertThat(home).hasURL(Pattern.compile(".*/labeler$"));
            home.locator("#waiting-datasets summary").click();
            assertThat(home.locator("#waiting-datasets")).containsText(ours + ": 2 prompts");
            assertThat(home.locator("#waiting-datasets")).not().containsText(theirs);

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
            Page again = signIn(labelerContext, "/login", name, "seven quiet harbour lights");
            assertThat(again).hasURL(Pattern.compile(".*/labeler$"));

            // The spent invitation link says so, with a 410 and no error page.
            Page old = labelerContext.newPage();
            Response response = old.navigate(invitation);
            org.assertj.core.api.Assertions.assertThat(response.status()).isEqualTo(410);
            assertThat(old.locator("h1")).hasText("This link does not work");
            assertThat(old.locator("#link-reason")).containsText("used already");

            // Five wrong passwords, and the name is locked: even the right one is refused for now.
            BrowserContext stranger = chromium.browser.newContext();
            for (int i = 0; i < 5; i++) {
                signIn(stranger, "/login", name, "a wrong guess " + i);
            }
            Page locked = signIn(stranger, "/login", name, "seven quiet harbour lights");
            assertThat(locked).hasURL(Pattern.compile(".*/login\\?locked$"));
            assertThat(locked.getByRole(AriaRole.ALERT)).containsText("Too many failed sign-ins");
            stranger.close();
        }
    }

    /** An active dataset of two PII-clean prompts; its name (the fixture makes it unique). */
    private String dataset(String prefix) throws Exception {
        long id = datasets.create(ImportFixtures.allTrain(prefix, 1, "0"), "admin");
        String datasetName = datasets.summaries().stream()
                .filter(d -> d.id() == id)
                .findFirst()
                .orElseThrow()
                .name();
        ImportFixtures.importLines(
                importer,
                id,
                false,
                List.of(
                        ImportFixtures.line("First " + datasetName, "u1"),
                        ImportFixtures.line("Second " + datasetName, "u2")));
        return datasetName;
    }

    private long datasetId(String datasetName) {
        return datasets.summaries().stream()
                .filter(d -> d.name().equals(datasetName))
                .findFirst()
                .orElseThrow()
                .id();
    }

    private static com.microsoft.playwright.Locator.GetByLabelOptions exact() {
        return new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true);
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
