package org.instructforge.web.history;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.junit.jupiter.api.Test;

/** A labeler submits, finds, revises and searches their work on the History page, with the mouse. */
class HistoryBrowserTest extends BrowserTest {

    private static final String PASSWORD = "history-password";

    @Test
    void aSubmittedDemonstrationIsRevisedAndBothVersionsAreShownUntilARunUsesIt() throws Exception {
        String labeler = QueueFixtures.newLabeler(accounts, PASSWORD);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long prompt = prompt("Name the capital of Peru. " + tag);
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.DEMONSTRATION, prompt);

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/labeler", labeler, PASSWORD);
            page.navigate(url("/labeler/demonstrations/" + lease.id()));
            page.locator("#answer").click();
            page.keyboard().type("Lima is the capital.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("^Submit")))
                    .click();
            page.waitForLoadState();

            page.navigate(url("/labeler"));
            page.locator("#history-link").click();
            Locator entry = page.locator(".history-entry[data-kind='DEMONSTRATION']")
                    .filter(new Locator.FilterOptions().setHasText(tag));
            assertThat(entry.locator(".history-content")).hasText("Lima is the capital.");

            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revise"))
                    .click();
            page.locator("#answer").fill("Lima.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save the revision"))
                    .click();
            assertThat(page).hasURL(Pattern.compile(".*/labeler/history$"));
            assertThat(page.locator(".notice")).containsText("revised");
            assertThat(entry.locator(".history-content")).hasText("Lima.");
            assertThat(entry.locator(".earlier")).containsText("Earlier versions (1)");
            assertThat(entry.locator(".earlier-version")).containsText("Lima is the capital.");
            BrowserSupport.screenshot(page, "history-revised");

            // Search finds it by the prompt and by the answer, and nothing for other words.
            page.locator("#history-search input[name='q']").fill(tag);
            page.locator("#history-search button").click();
            assertThat(page.locator(".history-entry")).hasCount(1);
            page.locator("#history-search input[name='q']").fill("no-such-words-" + tag);
            page.locator("#history-search button").click();
            assertThat(page.locator("#no-history")).containsText("Nothing you submitted matches");

            // A second tab still has the revise page open when a training run reads the demonstration.
            Page stale = context.newPage();
            long demonstration = demonstrationOf(prompt);
            stale.navigate(url("/labeler/history/demonstrations/" + demonstration + "/revise"));
            long run = runReads(demonstration);
            stale.locator("#answer").fill("Lima, Peru.");
            Response refused = stale.waitForResponse(
                    response -> response.url().endsWith("/revise")
                            && response.request().method().equals("POST"),
                    () -> stale.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save the revision"))
                            .click());
            org.assertj.core.api.Assertions.assertThat(refused.status()).isEqualTo(409);
            assertThat(stale.locator(".error")).containsText("Training run #" + run + " has used this demonstration");

            page.navigate(url("/labeler/history?q=" + tag));
            assertThat(entry.locator(".used")).containsText("Used by training run #" + run);
            assertThat(entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revise")))
                    .hasCount(0);
        }
        org.assertj.core.api.Assertions.assertThat(jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p")
                        .param("p", prompt)
                        .query(String.class)
                        .single())
                .isEqualTo("Lima.");
    }

    /** What the training service's LabelData writes when a run reads a demonstration. */
    private long runReads(long demonstration) {
        long run = jdbc.sql("INSERT INTO training_run (run_type) VALUES ('SFT') RETURNING id")
                .query(Long.class)
                .single();
        jdbc.sql("INSERT INTO training_run_demonstration (demonstration_id, run_id) VALUES (:d, :r)")
                .param("d", demonstration)
                .param("r", run)
                .update();
        return run;
    }

    private long demonstrationOf(long prompt) {
        return jdbc.sql("SELECT id FROM demonstration WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private long prompt(String text) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("history", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line(text, "u1")));
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
    }
}
