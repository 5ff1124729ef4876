package org.instructforge.web.ranking;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Mouse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.export.LabelExport;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ranking page in a real browser, with real mouse events: a click never changes a rank, a drag moves one
 * output and keeps every other tie, a refused ranking and a reload keep everything entered, and a fractional
 * rank is refused beside its field. Outputs are named by the letter the page gives them (A is shown first).
 */
class RankingBrowserTest extends BrowserTest {

    private static final String PASSWORD = "secret-password";

    @Autowired
    CandidateImport candidates;

    @Autowired
    LabelExport export;

    @Autowired
    JsonMapper json;

    @Test
    void aMouseClickOnAnOutputFocusesItAndKeepsEveryRankAndTie() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (clicks)")) {
            ranker.rank("A2", "B1", "C3", "D3");
            assertThat(ranker.shown()).containsExactly("B=1", "A=2", "C=3", "D=3");

            // Clicks anywhere on a card that is not a field: the text, the heading, the card's padding.
            for (String letter : List.of("A", "B", "C", "D")) {
                ranker.output(letter).locator(".output-text").click();
                BoundingBox head =
                        ranker.output(letter).locator(".output-head strong").boundingBox();
                ranker.page.mouse().click(head.x + 3, head.y + 3);
                ranker.output(letter).click(new Locator.ClickOptions().setPosition(4, 4));
                assertThat(ranker.output(letter)).isFocused();
            }
            assertThat(ranker.shown()).containsExactly("B=1", "A=2", "C=3", "D=3");
            // A digit after a click ranks the clicked output, as the help says.
            ranker.output("A").click(new Locator.ClickOptions().setPosition(4, 4));
            ranker.page.keyboard().press("3");
            assertThat(ranker.shown()).containsExactly("B=1", "A=3", "C=3", "D=3");

            assertThat(ranker.submit()).isEqualTo(Map.of("A", 2, "B", 1, "C", 2, "D", 2));
        }
    }

    @Test
    void draggingTheFirstOutputToTheEndRanksItLast() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (first)")) {
            ranker.drag("A", "D");

            assertThat(ranker.shown()).containsExactly("B=1", "C=2", "D=3", "A=4");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 4, "B", 1, "C", 2, "D", 3));
        }
    }

    @Test
    void draggingAMiddleOutputToTheTopKeepsTheTieBelowIt() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (middle)")) {
            ranker.rank("A1", "B2", "C3", "D3");

            ranker.drag("B", "A");

            assertThat(ranker.shown()).containsExactly("B=1", "A=2", "C=3", "D=3");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 2, "B", 1, "C", 3, "D", 3));
        }
    }

    @Test
    void draggingTheLastOutputBetweenTwoTiedOnesJoinsTheirTie() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (last)")) {
            ranker.rank("A1", "B1", "C2", "D3");

            ranker.drag("D", "B");

            // Standard competition ranks, as stored: three outputs share the best rank, C is fourth.
            assertThat(ranker.shown()).containsExactly("A=1", "D=1", "B=1", "C=4");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 1, "B", 1, "C", 4, "D", 1));
        }
    }

    @Test
    void draggingAfterAKeyboardRankWorksAgainAndAgain() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (keyboard, then drags)")) {
            ranker.rank("C1");
            assertThat(ranker.shown()).containsExactly("C=1", "A=", "B=", "D=");

            ranker.drag("D", "A");
            assertThat(ranker.shown()).containsExactly("C=1", "D=2", "A=3", "B=4");
            ranker.drag("C", "B");
            assertThat(ranker.shown()).containsExactly("D=1", "A=2", "B=3", "C=4");
            ranker.rank("B1");
            assertThat(ranker.shown()).containsExactly("D=1", "B=1", "A=2", "C=4");

            assertThat(ranker.submit()).isEqualTo(Map.of("A", 3, "B", 1, "C", 4, "D", 1));
        }
    }

    @Test
    void aRefusedRankingComesBackWithEverythingTheLabelerEntered() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (refused)")) {
            Page page = ranker.page;
            ranker.rank("A1");
            ranker.quality("B").selectOption("6");
            ranker.flag("C", "HALLUCINATION").check();
            page.getByLabel("Reason").fill("two answers name another city");
            ranker.clickSubmit();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Give every output a rank");
            assertEntered(ranker, false, "two answers name another city");

            page.locator("#not-rankable").check();
            page.getByLabel("Reason").fill("");
            ranker.clickSubmit();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Say why these outputs cannot be ranked.");
            assertEntered(ranker, true, "");

            page.getByLabel("Reason").fill("Every output answers a different question");
            ranker.clickSubmit();
            page.waitForURL(u -> !u.contains("/labeler/rankings/"));
            assertThat(jdbc.sql("""
                            SELECT r.not_rankable_reason || ' ' || e.likert FROM ranking r
                            JOIN ranking_entry e ON e.ranking_id = r.id
                            WHERE r.task_id = :t AND r.not_rankable AND e.candidate_id = :c""")
                            .param("t", ranker.task)
                            .param("c", ranker.ids.get("B"))
                            .query(String.class)
                            .single())
                    .isEqualTo("Every output answers a different question 6");
            assertThat(ranker.stored(
                            "SELECT count(*) FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id"
                                    + " WHERE r.task_id = :t AND e.candidate_id = :c AND e.hallucination",
                            "C"))
                    .isEqualTo(1);
        }
    }

    @Test
    void ranksScoresLabelsAndTheReasonSurviveAReloadAndASubmitAfterTheSessionExpired() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (draft)")) {
            Page page = ranker.page;
            ranker.rank("A2", "B1", "C3", "D3");
            ranker.quality("A").selectOption("5");
            ranker.flag("D", "HALLUCINATION").check();
            page.locator("#not-rankable").check();
            page.getByLabel("Reason").fill("maybe none is right");
            assertThat(page.locator("#draft-status")).containsText("Draft saved");

            // Without this browser's copy, the server's draft alone restores everything.
            page.evaluate("() => localStorage.clear()");
            page.reload();
            assertThat(ranker.shown()).containsExactly("B=1", "A=2", "C=3", "D=3");
            assertThat(ranker.quality("A")).hasValue("5");
            assertThat(ranker.flag("D", "HALLUCINATION")).isChecked();
            assertThat(page.locator("#not-rankable")).isChecked();
            assertThat(page.getByLabel("Reason")).hasValue("maybe none is right");

            // The session ends: the server refuses the draft and the submit; this browser's copy brings
            // everything back after signing in again.
            ranker.context.clearCookies();
            ranker.quality("B").selectOption("7");
            page.locator("#not-rankable").uncheck();
            assertThat(page.locator("#draft-status")).containsText("kept in this browser");
            assertThat(page.waitForResponse(ranker::isSubmission, ranker::clickSubmit)
                            .status())
                    .isGreaterThanOrEqualTo(300);
            assertThat(ranker.rankingsStored()).isZero();
            Page again = signIn(ranker.context, "/", ranker.labeler, PASSWORD);
            again.navigate(url("/labeler/rankings/" + ranker.lease.id()));
            ranker.page = again;
            assertThat(ranker.shown()).containsExactly("B=1", "A=2", "C=3", "D=3");
            assertThat(ranker.quality("B")).hasValue("7");
            assertThat(ranker.quality("A")).hasValue("5");
            assertThat(again.locator("#not-rankable")).not().isChecked();

            assertThat(ranker.submit()).isEqualTo(Map.of("A", 2, "B", 1, "C", 3, "D", 3));
            assertThat(ranker.stored(
                            "SELECT count(*) FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id"
                                    + " WHERE r.task_id = :t AND e.candidate_id = :c AND e.likert = 7",
                            "B"))
                    .isEqualTo(1);
            assertThat(jdbc.sql("SELECT count(*) FROM ranking_draft WHERE task_id = :t")
                            .param("t", ranker.task)
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    @Test
    void aFractionalRankOrAnOutOfRangeScoreIsRefusedBesideItsField() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (bad input)")) {
            Page page = ranker.page;
            ranker.rank("A1", "B2", "C3", "D4");
            // What a tampered or broken client could send: the page's selects offer only whole numbers in range.
            addOption(ranker.output("C").locator("select.rank"), "1.5");

            Response refused = page.waitForResponse(ranker::isSubmission, ranker::clickSubmit);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(ranker.output("C").locator(".field-error")).containsText("whole number");
            assertThat(ranker.output("C").locator("select.rank")).hasAttribute("aria-invalid", "true");
            assertThat(ranker.output("A").locator(".field-error")).hasCount(0);
            BrowserSupport.screenshot(page, "ranking-refused");

            ranker.output("C").locator("select.rank").selectOption("3");
            addOption(ranker.quality("D"), "8");
            refused = page.waitForResponse(ranker::isSubmission, ranker::clickSubmit);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(ranker.output("D").locator(".field-error")).containsText("1 to 7");
            assertThat(ranker.rankingsStored()).isZero();

            ranker.quality("D").selectOption("2");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 1, "B", 2, "C", 3, "D", 4));
        }
    }

    @Test
    void atAPhoneWidthThePageFitsAndOutputsAreDraggedByTheirHandle() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (phone)", 390)) {
            ranker.rank("A1");
            ranker.drag("D", "B");

            assertThat(ranker.shown()).containsExactly("A=1", "D=2", "B=3", "C=4");
            assertThat((Integer) ranker.page.evaluate("() => document.documentElement.scrollWidth"))
                    .isLessThanOrEqualTo(390);
            BrowserSupport.screenshot(ranker.page, "ranking-phone");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 1, "B", 3, "C", 4, "D", 2));
        }
    }

    @Test
    void aSubmittedRankingIsRevisedFromHistoryWithTheMouseAndExportsReadTheNewVersionUntilARunUsesIt()
            throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (revised)")) {
            ranker.rank("A1", "B2", "C3", "D4");
            assertThat(ranker.submit()).isEqualTo(Map.of("A", 1, "B", 2, "C", 3, "D", 4));

            Locator entry = ranker.historyEntry();
            assertThat(entry.locator(".history-content")).hasText("A 1 · B 2 · C 3 · D 4");
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revise"))
                    .click();
            assertThat(ranker.page.locator("#revising")).isVisible();
            ranker.drag("D", "A");
            assertThat(ranker.shown()).containsExactly("D=1", "A=2", "B=3", "C=4");
            ranker.clickSave();

            // The history shows the new version with the earlier one under it; the export reads the new one.
            assertThat(ranker.page).hasURL(java.util.regex.Pattern.compile(".*/labeler/history$"));
            assertThat(ranker.page.locator(".notice")).containsText("revised");
            assertThat(entry.locator(".history-content")).hasText("A 2 · B 3 · C 4 · D 1");
            assertThat(entry.locator(".earlier")).containsText("Earlier versions (1)");
            assertThat(entry.locator(".earlier-version")).containsText("A 1 · B 2 · C 3 · D 4");
            Map<String, Integer> revised = Map.of("A", 2, "B", 3, "C", 4, "D", 1);
            assertThat(ranker.exported()).isEqualTo(revised);

            // A second tab has the revise page open when a training run reads the ranking: its save is refused.
            Page stale = ranker.context.newPage();
            stale.navigate(url("/labeler/rankings/" + ranker.lease.id() + "/revise"));
            long run = ranker.runReads();
            ranker.page = stale;
            ranker.drag("A", "D");
            assertThat(stale.waitForResponse(ranker::isRevision, ranker::clickSave)
                            .status())
                    .isEqualTo(409);
            assertThat(stale.getByRole(AriaRole.ALERT)).containsText("Training run #" + run + " has used this ranking");
            assertThat(ranker.stored()).isEqualTo(revised);
            assertThat(ranker.revisionsKept()).isEqualTo(1);

            stale.navigate(url("/labeler/history"));
            assertThat(ranker.historyEntry().locator(".used")).containsText("Used by training run #" + run);
            assertThat(ranker.historyEntry()
                            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revise")))
                    .hasCount(0);
        }
    }

    @Test
    void aRankingAReviewerHasDecidedOnCannotBeRevisedAndThePageSaysWhy() throws Exception {
        try (Ranker ranker = open("Which city is the capital of Peru? (reviewed)")) {
            ranker.rank("A1", "B2", "C3", "D4");
            Map<String, Integer> submitted = ranker.submit();
            ranker.page.navigate(url("/labeler/rankings/" + ranker.lease.id() + "/revise"));
            assertThat(ranker.page.locator("#used")).hasCount(0);

            // The reviewer accepts it while the labeler has the revise page open.
            jdbc.sql("UPDATE ranking SET review_status = 'ACCEPTED', reviewed_at = now() WHERE task_id = :t")
                    .param("t", ranker.task)
                    .update();
            ranker.drag("D", "A");
            assertThat(ranker.page
                            .waitForResponse(ranker::isRevision, ranker::clickSave)
                            .status())
                    .isEqualTo(409);
            assertThat(ranker.page.getByRole(AriaRole.ALERT))
                    .containsText("A reviewer has decided on this ranking, so it can no longer be revised.");
            assertThat(ranker.stored()).isEqualTo(submitted);
            assertThat(ranker.revisionsKept()).isZero();

            Locator entry = ranker.historyEntry();
            assertThat(entry.locator(".decided")).containsText("A reviewer has decided on it");
            assertThat(entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revise")))
                    .hasCount(0);
            ranker.page.navigate(url("/labeler/rankings/" + ranker.lease.id() + "/revise"));
            assertThat(ranker.page.locator("#used")).containsText("A reviewer has decided on this ranking");
            assertThat(ranker.page.locator("#ranking-form")).hasCount(0);
        }
    }

    private static void addOption(Locator select, String value) {
        select.evaluate(
                "(s, v) => { const o = document.createElement('option'); o.value = v; o.text = v; s.add(o); s.value = v; }",
                value);
    }

    private static void assertEntered(Ranker ranker, boolean notRankable, String reason) {
        assertThat(ranker.shown()).containsExactly("A=1", "B=", "C=", "D=");
        assertThat(ranker.quality("B")).hasValue("6");
        assertThat(ranker.flag("C", "HALLUCINATION")).isChecked();
        if (notRankable) {
            assertThat(ranker.page.locator("#not-rankable")).isChecked();
        } else {
            assertThat(ranker.page.locator("#not-rankable")).not().isChecked();
        }
        assertThat(ranker.page.getByLabel("Reason")).hasValue(reason);
    }

    /** A fresh labeler on a fresh four-output task, signed in on its ranking page in a window tall enough for all. */
    private Ranker open(String prompt) throws Exception {
        return open(prompt, 1280);
    }

    private Ranker open(String prompt, int width) throws Exception {
        long dataset = RankingFixtures.datasetWithPrompt(datasets, importer, jdbc, prompt);
        long promptId = RankingFixtures.promptOf(jdbc, dataset);
        RankingFixtures.importOutputs(candidates, dataset, RankingFixtures.fourOutputs(promptId));
        long task = jdbc.sql("SELECT id FROM ranking_task WHERE prompt_id = :p")
                .param("p", promptId)
                .query(Long.class)
                .single();
        String labeler = RankingFixtures.labeler(accounts);
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.RANKING, task);
        BrowserContext context =
                chromium.browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 2400));
        Page page = signIn(context, "/", labeler, PASSWORD);
        page.navigate(url("/labeler/rankings/" + lease.id()));
        return new Ranker(context, page, labeler, lease, task, prompt);
    }

    /** One labeler's page on one task, and what the database holds for it. */
    private final class Ranker implements AutoCloseable {

        final BrowserContext context;
        Page page;
        final String labeler;
        final Lease lease;
        final long task;
        final String prompt;
        /** Candidate id per letter. */
        final Map<String, Long> ids = new TreeMap<>();

        Ranker(BrowserContext context, Page page, String labeler, Lease lease, long task, String prompt) {
            this.prompt = prompt;
            this.context = context;
            this.page = page;
            this.labeler = labeler;
            this.lease = lease;
            this.task = task;
            for (String letter : List.of("A", "B", "C", "D")) {
                ids.put(letter, Long.parseLong(output(letter).getAttribute("data-candidate")));
            }
        }

        Locator output(String letter) {
            return page.getByLabel("Output " + letter, new Page.GetByLabelOptions().setExact(true));
        }

        Locator quality(String letter) {
            return page.getByLabel("Quality of output " + letter);
        }

        Locator flag(String letter, String flag) {
            Locator box = output(letter).locator("input[type=checkbox][value=" + flag + "]");
            if (!box.isVisible()) {
                output(letter).locator("details.flags summary").click();
            }
            return box;
        }

        /** Ranks from the keyboard, in the order given: "B1" focuses output B (as Tab does) and presses 1. */
        void rank(String... letterAndDigit) {
            for (String pair : letterAndDigit) {
                output(pair.substring(0, 1)).focus();
                output(pair.substring(0, 1)).press(pair.substring(1));
            }
        }

        /** "A=1" per output, in the order shown; an output without a rank shows as "A=". */
        List<String> shown() {
            @SuppressWarnings("unchecked")
            List<String> shown = (List<String>)
                    page.evaluate(
                            "() => [...document.querySelectorAll('li.output')]"
                                    + ".map(li => li.getAttribute('aria-label').slice(7) + '=' + li.querySelector('select.rank').value)");
            return shown;
        }

        /**
         * Presses the mouse on the output's drag handle, moves in small steps to the middle of the target output
         * and releases: the dragged output takes the target's place.
         */
        void drag(String letter, String onto) {
            Locator handle = output(letter).locator(".drag-handle");
            assertThat(handle).isVisible();
            BoundingBox from = handle.boundingBox();
            BoundingBox to = output(onto).boundingBox();
            Mouse mouse = page.mouse();
            mouse.move(from.x + from.width / 2, from.y + from.height / 2);
            mouse.down();
            mouse.move(from.x + from.width / 2, from.y + from.height / 2 + 8, new Mouse.MoveOptions().setSteps(4));
            mouse.move(from.x + from.width / 2, to.y + to.height / 2, new Mouse.MoveOptions().setSteps(30));
            // The drop indicator marks where the output will land while it is held.
            assertThat(page.locator("li.output.drop-placeholder")).hasCount(1);
            BrowserSupport.screenshot(page, "ranking-drag");
            mouse.up();
            assertThat(page.locator("li.output.drop-placeholder")).hasCount(0);
        }

        boolean isSubmission(Response response) {
            return response.request().method().equals("POST")
                    && response.url().endsWith("/labeler/rankings/" + lease.id());
        }

        boolean isRevision(Response response) {
            return response.request().method().equals("POST")
                    && response.url().endsWith("/labeler/rankings/" + lease.id() + "/revise");
        }

        void clickSave() {
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save the revision"))
                    .click();
        }

        /** This ranking's entry on the labeler's History page, opened from the navigation bar. */
        Locator historyEntry() {
            page.navigate(url("/labeler"));
            page.getByRole(
                            AriaRole.LINK,
                            new Page.GetByRoleOptions().setName("History").setExact(true))
                    .first()
                    .click();
            return page.locator(".history-entry[data-kind='RANKING']")
                    .filter(new Locator.FilterOptions().setHasText(prompt));
        }

        /** What the training service's LabelData writes when a run reads the ranking; answers the run. */
        long runReads() {
            long run = jdbc.sql("INSERT INTO training_run (run_type) VALUES ('REWARD') RETURNING id")
                    .query(Long.class)
                    .single();
            jdbc.sql(
                            "INSERT INTO training_run_ranking (ranking_id, run_id) SELECT id, :r FROM ranking WHERE task_id = :t")
                    .param("r", run)
                    .param("t", task)
                    .update();
            return run;
        }

        long revisionsKept() {
            return jdbc.sql("SELECT count(*) FROM ranking_revision v JOIN ranking r ON r.id = v.ranking_id"
                            + " WHERE r.task_id = :t")
                    .param("t", task)
                    .query(Long.class)
                    .single();
        }

        /** The rank per letter in the rankings export (what reward-model data and TRL users read). */
        Map<String, Integer> exported() throws Exception {
            long dataset = jdbc.sql("SELECT p.dataset_id FROM ranking_task t JOIN prompt p ON p.id = t.prompt_id"
                            + " WHERE t.id = :t")
                    .param("t", task)
                    .query(Long.class)
                    .single();
            var out = new java.io.ByteArrayOutputStream();
            export.rankings(new LabelExport.Selection(dataset, null), false, out);
            JsonNode line = json.readTree(
                    out.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
            Map<String, Integer> ranks = new TreeMap<>();
            ids.forEach((letter, id) -> line.path("candidates").forEach(c -> {
                if (c.path("id").asLong() == id) {
                    ranks.put(letter, c.path("rank").asInt());
                }
            }));
            return ranks;
        }

        void clickSubmit() {
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Submit ranking"))
                    .click();
        }

        /** Submits and answers the stored rank per letter. */
        Map<String, Integer> submit() {
            clickSubmit();
            page.waitForURL(u -> !u.contains("/labeler/rankings/"));
            return stored();
        }

        /** The stored rank per letter. */
        Map<String, Integer> stored() {
            Map<String, Integer> stored = new TreeMap<>();
            ids.forEach((letter, id) -> stored.put(
                    letter,
                    jdbc.sql("""
                                    SELECT e.rank FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id
                                    WHERE r.task_id = :t AND e.candidate_id = :c""")
                            .param("t", task)
                            .param("c", id)
                            .query(Integer.class)
                            .single()));
            return stored;
        }

        long rankingsStored() {
            return jdbc.sql("SELECT count(*) FROM ranking WHERE task_id = :t")
                    .param("t", task)
                    .query(Long.class)
                    .single();
        }

        long stored(String countQuery, String letter) {
            return jdbc.sql(countQuery)
                    .param("t", task)
                    .param("c", ids.get(letter))
                    .query(Long.class)
                    .single();
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
