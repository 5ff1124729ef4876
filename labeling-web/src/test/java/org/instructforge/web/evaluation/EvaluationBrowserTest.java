package org.instructforge.web.evaluation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.UUID;
import java.util.regex.Pattern;
import org.instructforge.web.BrowserSupport;
import org.instructforge.web.BrowserTest;
import org.instructforge.web.checkpoint.CheckpointFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An ML engineer publishes a policy from its page, starts an evaluation and sees the label charts drawn. */
class EvaluationBrowserTest extends BrowserTest {

    /** Other tests share the database and may insert a current policy of their own (at most one may exist). */
    @AfterEach
    void unpublish() {
        jdbc.sql("UPDATE model_checkpoint SET is_current_policy = FALSE WHERE is_current_policy")
                .update();
    }

    @Test
    void anEngineerPublishesAPolicyAndStartsAnEvaluationFromTheForms() {
        long dataset = CheckpointFixtures.dataset(datasets, jdbc, 4, 0, 3);
        String datasetName = jdbc.sql("SELECT name FROM prompt_dataset WHERE id = :d")
                .param("d", dataset)
                .query(String.class)
                .single();
        long sft = CheckpointFixtures.checkpoint(jdbc, "sft", "SFT", null, "READY", "/nowhere");
        long ppo = CheckpointFixtures.checkpoint(jdbc, "ppo", "PPO", sft, "READY", "/nowhere");
        rankedOutput(sft, dataset);

        try (BrowserContext context = chromium.browser.newContext()) {
            Page page = signIn(context, "/login", "engineer", "engineer-demo");
            page.navigate(url("/engineer/checkpoints/" + ppo));
            page.locator("#publish select[name=datasetId]").selectOption(String.valueOf(dataset));
            page.locator("#publish input[name=promptCount]").fill("2");
            page.locator("#publish input[name='sampling[temperature]']").fill("0.8");
            page.locator("#publish button[type=submit]").click();
            assertThat(page.locator("#published")).containsText("GENERATING");
            assertThat(page.locator("h1")).containsText("current policy");
            BrowserSupport.screenshot(page, "checkpoint-published");

            page.navigate(url("/engineer/evaluations"));
            page.locator("select[name=candidateId]").selectOption(String.valueOf(ppo));
            page.locator("select[name=baselineId]").selectOption(String.valueOf(sft));
            page.locator("#new-evaluation select[name=datasetId]").selectOption(String.valueOf(dataset));
            page.locator("#new-evaluation input[name=promptCount]").fill("3");
            page.locator("#new-evaluation button[type=submit]").click();
            assertThat(page).hasURL(Pattern.compile(".*/engineer/evaluations/\\d+$"));
            assertThat(page.locator("#round")).containsText(datasetName);
            assertThat(page.locator("#round")).containsText("GENERATING");

            page.navigate(url("/engineer/evaluations"));
            assertThat(page.locator("#flag-chart")).hasAttribute("data-drawn", "true");
            assertThat(page.locator("#likert-chart")).hasAttribute("data-drawn", "true");
            assertThat(page.locator("#label-rates")).containsText(CheckpointFixtures.nameOf(jdbc, sft));
            BrowserSupport.screenshot(page, "evaluations");
        }
    }

    /** One human ranking of four of this model's outputs, each flagged as a hallucination. */
    private void rankedOutput(long model, long dataset) {
        long prompt = jdbc.sql("SELECT min(id) FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id, status) VALUES (:p, 'COMPLETE') RETURNING id")
                .param("p", prompt)
                .query(Long.class)
                .single();
        // K = 4, as every stored ranking has (the quality and review pages read every human ranking)
        long[] candidates = new long[4];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = jdbc.sql("""
                            INSERT INTO ranking_candidate (task_id, position, text, model_checkpoint_id)
                            VALUES (:t, :pos, :text, :m) RETURNING id""")
                    .param("t", task)
                    .param("pos", i)
                    .param("text", "output " + i)
                    .param("m", model)
                    .query(Long.class)
                    .single();
        }
        long labeler = jdbc.sql("""
                        INSERT INTO app_user (username, display_name, password_hash) VALUES (:u, :u, '!test')
                        RETURNING id""")
                .param("u", "chart-" + UUID.randomUUID().toString().substring(0, 8))
                .query(Long.class)
                .single();
        long ranking = jdbc.sql("INSERT INTO ranking (task_id, labeler_id, display_order) VALUES (:t, :l, '[]')"
                        + " RETURNING id")
                .param("t", task)
                .param("l", labeler)
                .query(Long.class)
                .single();
        for (int i = 0; i < candidates.length; i++) {
            jdbc.sql("""
                            INSERT INTO ranking_entry (ranking_id, candidate_id, rank, likert, hallucination)
                            VALUES (:r, :c, :rank, 5, TRUE)""")
                    .param("r", ranking)
                    .param("c", candidates[i])
                    .param("rank", i + 1)
                    .update();
        }
    }
}
