package org.instructforge.web.labeling;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.junit.jupiter.api.Test;

/** A labeler finds the tasks they hold on "My tasks" and through "next task", with the mouse. */
class MyTasksBrowserTest extends BrowserTest {

    private static final String PASSWORD = "my-tasks-password";

    @Test
    void myTasksListsTheLeasesAndCompareOutputsReturnsToTheOldest() throws Exception {
        String labeler = QueueFixtures.newLabeler(accounts, PASSWORD);
        String prompt = "Which planet is the largest? " + UUID.randomUUID();
        var evaluation =
                ComparisonFixtures.evaluation(datasets, importer, jdbc, "OPEN", 2, 1, prompt, "Jupiter.", "Saturn.");
        Lease first = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(0));
        Lease second = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(1));

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/labeler", labeler, PASSWORD);
            Locator comparisons = page.locator("article").filter(new Locator.FilterOptions().setHasText("Comparisons"));
            assertThat(comparisons).containsText("2 leased to you");

            page.locator("#my-tasks-link").click();
            assertThat(page).hasURL(Pattern.compile(".*/labeler/tasks$"));
            Locator tasks = page.locator("#my-tasks li.held-task");
            assertThat(tasks).hasCount(2);
            for (Lease lease : new Lease[] {first, second}) {
                Locator task = page.locator("li.held-task[data-lease='" + lease.id() + "']");
                assertThat(task).containsText("Comparison");
                assertThat(task).containsText("Which planet is the largest?");
                assertThat(task.locator(".time-left")).hasText(Pattern.compile("(29|30) min left"));
            }
            BrowserSupport.screenshot(page, "my-tasks");

            page.locator("li.held-task[data-lease='" + second.id() + "'] a.task-link")
                    .click();
            assertThat(page).hasURL(Pattern.compile(".*/labeler/comparisons/" + second.id() + "$"));
            assertThat(page.locator("body")).containsText(prompt);

            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions().setName("Tasks").setExact(true))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Compare outputs"))
                    .click();
            assertThat(page).hasURL(Pattern.compile(".*/labeler/comparisons/" + first.id() + "$"));
            assertThat(page.locator("body")).not().containsText("No comparison task is waiting");
        }
    }

    @Test
    void giveBackFromTheTaskPageAndFromMyTasksFreesBothSlotsAtOnce() throws Exception {
        String labeler = QueueFixtures.newLabeler(accounts, PASSWORD);
        String other = QueueFixtures.newLabeler(accounts, PASSWORD);
        String prompt = "Name a prime number. " + UUID.randomUUID();
        var evaluation = ComparisonFixtures.evaluation(datasets, importer, jdbc, "OPEN", 2, 1, prompt, "7.", "9.");
        Lease first = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(0));
        Lease second = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(1));

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/labeler", labeler, PASSWORD);
            page.navigate(url("/labeler/comparisons/" + first.id()));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Give back"))
                    .click();
            assertThat(page).hasURL(Pattern.compile(".*/labeler/tasks$"));
            assertThat(page.locator(".notice")).containsText("given back");
            assertThat(page.locator("#my-tasks li.held-task")).hasCount(1);

            // The slot is free for someone else right away, not after the lease's 30 minutes.
            org.assertj.core.api.Assertions.assertThat(
                            QueueFixtures.claim(queue, other, TaskKind.COMPARISON, first.itemId())
                                    .itemId())
                    .isEqualTo(first.itemId());

            page.locator("li.held-task[data-lease='" + second.id() + "']")
                    .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Give back"))
                    .click();
            assertThat(page.locator("#no-tasks")).isVisible();
            org.assertj.core.api.Assertions.assertThat(
                            QueueFixtures.claim(queue, other, TaskKind.COMPARISON, second.itemId())
                                    .itemId())
                    .isEqualTo(second.itemId());
        }
    }
}
