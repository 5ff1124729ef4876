package org.instructforge.web.training;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ML engineer launches a run from the form, watches its chart and log follow what the worker records, and
 * cancels another run. The worker is played by the test, writing the rows a worker writes.
 */
class RunDashboardBrowserTest extends BrowserTest {

    RunFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new RunFixtures(jdbc);
    }

    @Test
    void anEngineerLaunchesARunAndWatchesItsChartUpdate() {
        long dataset = fixtures.sftReadyDataset();
        String datasetName = jdbc.sql("SELECT name FROM prompt_dataset WHERE id = :id")
                .param("id", dataset)
                .query(String.class)
                .single();
        long base = fixtures.checkpoint("BASE");
        String baseName = jdbc.sql("SELECT name FROM model_checkpoint WHERE id = :id")
                .param("id", base)
                .query(String.class)
                .single();
        String runName = RunFixtures.unique("browser-sft");

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", "engineer", "engineer-demo");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New run"))
                    .click();
            assertThat(page.locator("h1")).hasText("New training run");
            page.getByLabel("Name (the output checkpoint is named after it)").fill(runName);
            page.getByLabel(datasetName).check();
            page.getByLabel("Start from")
                    .selectOption(
                            new SelectOption().setLabel(baseName + " (BASE · architecture unknown · size unknown)"));
            page.locator("input[name='hyperparameters[epochs]']").fill("3");
            BrowserSupport.screenshot(page, "engineer-run-form");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Queue the run"))
                    .click();

            assertThat(page).hasURL(Pattern.compile(".*/engineer/runs/\\d+$"));
            long run = Long.parseLong(page.url().replaceAll(".*/", ""));
            assertThat(page.locator("h1")).containsText(runName);
            assertThat(page.locator("#run-status")).hasText("QUEUED");
            org.assertj.core.api.Assertions.assertThat(
                            jdbc.sql("SELECT (hyperparameters ->> 'epochs')::int FROM training_run WHERE id = :id")
                                    .param("id", run)
                                    .query(Integer.class)
                                    .single())
                    .isEqualTo(3);
            // A mark on this page's window: still there later means the page was never reloaded.
            page.evaluate("() => { window.notReloaded = true; }");

            // The worker claims the run and records its first steps.
            fixtures.setStatus(run, "RUNNING");
            fixtures.progress(run, 0.05, 5, 100);
            fixtures.metrics(run, "sft/loss", 1, 5);
            fixtures.metrics(run, "sft/val_loss", 5, 5);
            fixtures.log(run, "INFO", "step 5: loss 0.333");
            assertThat(page.locator("#run-status")).hasText("RUNNING");
            assertThat(page.locator("#charts")).hasAttribute("data-points", "6");
            assertThat(page.locator("figure.chart[data-metric='sft/loss']")).hasAttribute("data-points", "5");
            assertThat(page.locator("#run-log")).containsText("step 5: loss 0.333");
            assertThat(page.locator("#run-step")).hasText("5");

            // More steps: the chart grows in place.
            fixtures.progress(run, 0.08, 8, 100);
            fixtures.metrics(run, "sft/loss", 6, 8);
            fixtures.log(run, "WARN", "gradient norm clipped");
            assertThat(page.locator("figure.chart[data-metric='sft/loss']")).hasAttribute("data-points", "8");
            assertThat(page.locator("#run-log li.log-WARN")).containsText("gradient norm clipped");
            org.assertj.core.api.Assertions.assertThat(page.evaluate(
                            "() => Chart.getChart(document.querySelector(\"figure[data-metric='sft/loss'] canvas\"))"
                                    + ".data.datasets[0].data.length"))
                    .isEqualTo(8);
            org.assertj.core.api.Assertions.assertThat(page.evaluate("() => window.notReloaded"))
                    .isEqualTo(true);
            assertThat(page.locator("#run-eta")).not().hasText("—");
            BrowserSupport.screenshot(page, "engineer-run-live");

            // The worker registers the output and finishes: the page names it and stops polling.
            long output = fixtures.checkpoint("SFT");
            jdbc.sql("UPDATE training_run SET output_checkpoint_id = :c, progress = 1 WHERE id = :id")
                    .param("c", output)
                    .param("id", run)
                    .update();
            fixtures.setStatus(run, "SUCCEEDED");
            assertThat(page.locator("#run-status")).hasText("SUCCEEDED");
            assertThat(page.locator("#run-output a")).hasAttribute("href", "/engineer/checkpoints/" + output);
            assertThat(page.locator("#cancel-form")).isHidden();
        }
    }

    @Test
    void onAPhoneAnEngineerSeesTheMemoryARunNeedsAndWhyNoWorkerCanHoldIt() {
        fixtures.removeWorkers();
        long dataset = fixtures.sftReadyDataset();
        String datasetName = jdbc.sql("SELECT name FROM prompt_dataset WHERE id = :id")
                .param("id", dataset)
                .query(String.class)
                .single();
        long base = fixtures.checkpoint("BASE");
        fixtures.shape(base, RunDashboardTest.GPT2_SMALL);
        String baseName = jdbc.sql("SELECT name FROM model_checkpoint WHERE id = :id")
                .param("id", base)
                .query(String.class)
                .single();
        try {
            fixtures.worker("browser-gpu", "GPU", 1L << 30);
            try (BrowserContext context = chromium.browser.newContext(
                    new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(390, 844))) {
                Page page = signIn(context, "/", "engineer", "engineer-demo");
                page.navigate(url("/engineer/runs/new"));
                assertThat(page.locator("#memory-device")).containsText("GPU gpu(0) with 1.0 GiB (worker browser-gpu)");
                page.getByLabel(datasetName).check();
                page.getByLabel("Start from")
                        .selectOption(new SelectOption().setLabel(baseName + " (BASE · gpt2 · 124.4M parameters)"));
                page.locator("input[name='hyperparameters[batchSize]']").fill("2");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Estimate memory"))
                        .click();

                // The estimate for these settings, broken down; the choices stay as they were.
                assertThat(page.locator("#memory-weights")).hasText("474.7 MiB");
                assertThat(page.locator("#memory-gradients")).hasText("474.7 MiB");
                assertThat(page.locator("#memory-optimizer")).hasText("949.4 MiB");
                assertThat(page.locator("#memory-activations")).containsText("2 sequences of 224 tokens");
                assertThat(page.locator("#memory-error")).containsText("holds 1073741824 bytes");
                assertThat(page.locator("input[name='hyperparameters[batchSize]']"))
                        .hasValue("2");
                assertThat(page.getByLabel(datasetName)).isChecked();
                org.assertj.core.api.Assertions.assertThat((Number) page.evaluate(
                                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                        .as("the estimate fits a phone's width")
                        .isEqualTo(0);
                BrowserSupport.screenshot(page, "engineer-run-form-memory-phone");

                // Queuing it anyway is refused, with the numbers beside the estimate.
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Queue the run"))
                        .click();
                assertThat(page.locator("#form-errors")).isVisible();
                assertThat(page.locator("#memory-error")).containsText("bytes in all");
                assertThat(page.locator("#memory-error")).containsText("AdamW moments 949.4 MiB");
            }
        } finally {
            fixtures.removeWorkers();
        }
    }

    @Test
    void anEngineerCancelsAQueuedRunFromItsPage() {
        long run = fixtures.queuedRun();
        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/", "engineer", "engineer-demo");
            page.navigate(url("/engineer"));
            page.locator("tr[data-run='" + run + "'] a").first().click();
            assertThat(page.locator("#run-status")).hasText("QUEUED");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel run"))
                    .click();
            assertThat(page.locator("#run-status")).hasText("CANCELLED");
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("cancelled");
            assertThat(page.locator("#cancel-form")).hasCount(0);
        }
        org.assertj.core.api.Assertions.assertThat(fixtures.status(run)).isEqualTo("CANCELLED");
    }
}
