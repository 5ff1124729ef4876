package org.instructforge.web.labeling;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.ranking.CandidateImport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What a labeler does in a real browser: write a demonstration, rank with the keyboard and the mouse. */
class LabelerBrowserTest extends BrowserTest {

    private static final String PASSWORD = "labeler-password";

    @Autowired
    CandidateImport candidates;

    @Test
    void aDraftSurvivesAReloadAndTheDemonstrationIsSubmitted() throws Exception {
        String labeler = labeler();
        long prompt = prompt("Explain <b>photosynthesis</b> in one sentence. <script>window.hacked=1</script>");
        Lease lease = claim(labeler, TaskKind.DEMONSTRATION, prompt);
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", labeler, PASSWORD);
            page.navigate(url("/labeler/demonstrations/" + lease.id()));

            // The prompt's HTML is shown as text and its script never runs.
            assertThat(page.locator("#prompt")).containsText("<script>window.hacked=1</script>");
            org.assertj.core.api.Assertions.assertThat(page.evaluate("() => window.hacked === undefined"))
                    .isEqualTo(true);

            page.locator("#answer").fill("Plants turn light, water and CO2 into sugar");
            assertThat(page.locator("#draft-status")).containsText("Draft saved");
            page.reload();
            assertThat(page.locator("#answer")).hasValue("Plants turn light, water and CO2 into sugar");

            page.locator("#answer").press("End");
            page.locator("#answer").pressSequentially(" and oxygen.");
            page.locator("#answer").press("Control+Enter");
            page.waitForLoadState();
        }
        org.assertj.core.api.Assertions.assertThat(
                        jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p AND status = 'SUBMITTED'")
                                .param("p", prompt)
                                .query(String.class)
                                .list())
                .containsExactly("Plants turn light, water and CO2 into sugar and oxygen.");
    }

    @Test
    void outputsAreRankedFromTheKeyboardWithATie() throws Exception {
        String labeler = labeler();
        long task = rankingTask("Which city is the capital of Peru?");
        Lease lease = claim(labeler, TaskKind.RANKING, task);
        long[] best = {0};
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", labeler, PASSWORD);
            page.navigate(url("/labeler/rankings/" + lease.id()));
            Locator outputs = page.locator("li.output");
            assertThat(outputs).hasCount(4);
            // An output holding HTML shows it as text.
            assertThat(page.locator("#outputs")).containsText("<script>alert('x')</script>");

            // Output A gets rank 2, B rank 1, C and D tie at 3: a digit on the focused output sets its rank.
            press(page, "Output A", "2");
            press(page, "Output B", "1");
            press(page, "Output C", "3");
            press(page, "Output D", "3");
            assertThat(outputs.first()).hasAttribute("aria-label", "Output B");
            best[0] = Long.parseLong(page.getByLabel("Output B", new Page.GetByLabelOptions().setExact(true))
                    .getAttribute("data-candidate"));
            BrowserSupport.screenshot(page, "ranking-keyboard");
            page.getByLabel("Output B", new Page.GetByLabelOptions().setExact(true))
                    .press("Enter");
            page.waitForLoadState();
        }
        org.assertj.core.api.Assertions.assertThat(ranksOf(task)).containsExactlyInAnyOrder(1, 2, 3, 3);
        org.assertj.core.api.Assertions.assertThat(jdbc.sql("SELECT rank FROM ranking_entry WHERE candidate_id = :c")
                        .param("c", best[0])
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void outputsAreRankedByDraggingThemIntoOrder() throws Exception {
        String labeler = labeler();
        long task = rankingTask("Name the capital of Peru.");
        Lease lease = claim(labeler, TaskKind.RANKING, task);
        // Tall enough that the first and the last output are both on screen for the mouse.
        try (BrowserContext context = chromium.browser.newContext(
                new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1280, 2400))) {
            Page page = signIn(context, "/", labeler, PASSWORD);
            page.navigate(url("/labeler/rankings/" + lease.id()));
            Locator outputs = page.locator("li.output");

            // Drag the last output by its handle to the top with the mouse: ranks follow the new positions.
            var from = outputs.nth(3).locator(".drag-handle").boundingBox();
            var to = outputs.nth(0).locator(".drag-handle").boundingBox();
            page.mouse().move(from.x + 5, from.y + 5);
            page.mouse().down();
            page.mouse().move(to.x + 5, to.y + 2, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(12));
            page.mouse().up();
            assertThat(outputs.first().locator("select.rank")).hasValue("1");
            assertThat(outputs.first()).hasAttribute("aria-label", "Output D");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit ranking"))
                    .click();
            page.waitForLoadState();
        }
        org.assertj.core.api.Assertions.assertThat(ranksOf(task)).containsExactlyInAnyOrder(1, 2, 3, 4);
    }

    @Test
    void notRankableNeedsAReason() throws Exception {
        String labeler = labeler();
        long task = rankingTask("Capital of Peru, please?");
        Lease lease = claim(labeler, TaskKind.RANKING, task);
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", labeler, PASSWORD);
            page.navigate(url("/labeler/rankings/" + lease.id()));
            page.locator("#not-rankable").check();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit ranking"))
                    .click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Say why");

            page.locator("#not-rankable").check();
            page.getByLabel("Reason").fill("Every output answers a different question");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit ranking"))
                    .click();
            page.waitForLoadState();
        }
        org.assertj.core.api.Assertions.assertThat(
                        jdbc.sql("SELECT not_rankable_reason FROM ranking WHERE task_id = :t")
                                .param("t", task)
                                .query(String.class)
                                .single())
                .isEqualTo("Every output answers a different question");
    }

    @Test
    void aComparisonIsJudgedFromTheKeyboardWithoutSeeingTheModels() throws Exception {
        String labeler = labeler();
        ComparisonFixtures.Evaluation evaluation = ComparisonFixtures.evaluation(
                datasets,
                importer,
                jdbc,
                "OPEN",
                1,
                1,
                "Greet a customer.",
                "Hello there, welcome! <script>window.hacked=1</script>",
                "What do you want?");
        long task = evaluation.taskIds().get(0);
        Lease lease = claim(labeler, TaskKind.COMPARISON, task);
        String right;
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", labeler, PASSWORD);
            page.navigate(url("/labeler/comparisons/" + lease.id()));

            assertThat(page.locator("#left-output")).isVisible();
            assertThat(page.locator("#right-output")).isVisible();
            assertThat(page.locator("main")).containsText("<script>window.hacked=1</script>");
            org.assertj.core.api.Assertions.assertThat(page.evaluate("() => window.hacked === undefined"))
                    .isEqualTo(true);
            org.assertj.core.api.Assertions.assertThat(page.content())
                    .doesNotContain(evaluation.modelA())
                    .doesNotContain(evaluation.modelB());
            right = page.locator("#right-output .output-text").textContent();

            page.getByLabel("Quality of the right output").selectOption("2");
            page.locator("#prompt").click();
            page.keyboard().press("1");
            assertThat(page.getByLabel("Left is better")).isChecked();
            // Changing one's mind: 2 picks the right side instead.
            page.keyboard().press("2");
            assertThat(page.getByLabel("Right is better")).isChecked();
            assertThat(page.getByLabel("Left is better")).not().isChecked();
            BrowserSupport.screenshot(page, "comparison-keyboard");
            page.keyboard().press("Enter");
            page.waitForURL(u -> !u.contains("/labeler/comparisons/" + lease.id()));
        }
        // Output A holds the welcome; the right side's text tells which output the labeler preferred.
        String preferredOutput = right.startsWith("Hello") ? "A" : "B";
        org.assertj.core.api.Assertions.assertThat(jdbc.sql("""
                        SELECT preferred, CASE preferred WHEN 'A' THEN likert_a ELSE likert_b END
                        FROM comparison_judgement WHERE task_id = :t""")
                        .param("t", task)
                        .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2))
                        .single())
                .isEqualTo(preferredOutput + " 2");
    }

    private static void press(Page page, String output, String key) {
        Locator item = page.getByLabel(output, new Page.GetByLabelOptions().setExact(true));
        item.focus();
        item.press(key);
    }

    private List<Integer> ranksOf(long taskId) {
        return jdbc.sql("""
                        SELECT e.rank FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id
                        JOIN ranking_candidate c ON c.id = e.candidate_id
                        WHERE r.task_id = :t ORDER BY c.position""").param("t", taskId).query(Integer.class).list();
    }

    private String labeler() {
        String name = "bt-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, PASSWORD, Set.of(Role.LABELER), null);
        return name;
    }

    private long prompt(String text) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("browser labeling", 1, "0"), "tester");
        ImportFixtures.importLines(
                importer,
                dataset,
                false,
                List.of("{\"prompt\": " + new tools.jackson.databind.json.JsonMapper().writeValueAsString(text)
                        + ", \"user_id\": \"u1\"}"));
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
    }

    /** A ranking task whose outputs, in their original positions, are Lima / full answer / Cusco / HTML. */
    private long rankingTask(String promptText) throws Exception {
        long prompt = prompt(promptText);
        long dataset = jdbc.sql("SELECT dataset_id FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
        String line = "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"Lima\"}, "
                + "{\"text\": \"Lima is the capital of Peru.\"}, {\"text\": \"Cusco\"}, "
                + "{\"text\": \"<script>alert('x')</script>\"}]}\n";
        candidates.importFile(dataset, new java.io.ByteArrayInputStream(line.getBytes()), "admin");
        return jdbc.sql("SELECT id FROM ranking_task WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private Lease claim(String labeler, TaskKind kind, long itemId) {
        return org.instructforge.web.labeling.QueueFixtures.claim(queue, labeler, kind, itemId);
    }
}
