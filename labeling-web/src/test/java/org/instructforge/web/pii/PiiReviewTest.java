package org.instructforge.web.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.ImportFixtures.importLines;
import static org.instructforge.web.dataset.ImportFixtures.line;
import static org.instructforge.web.dataset.ImportFixtures.settings;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.instructforge.shared.PiiStatus;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.PromptExport;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The review queue: decisions, scrubbing, originals, and what exports may contain. */
@SpringBootTest
class PiiReviewTest {

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    PiiReview review;

    @Autowired
    PromptExport export;

    @Autowired
    JdbcClient jdbc;

    @Test
    void acceptingEveryDetectionScrubsThePromptWithTypedPlaceholders() throws Exception {
        long dataset = importOne("Write to jane.doe@example.org about it", true);
        long prompt = onlyPrompt(dataset);

        assertThat(review.acceptAll(prompt, "admin")).isEqualTo(PiiStatus.SCRUBBED);

        assertThat(text(prompt)).isEqualTo("Write to [EMAIL] about it");
        assertThat(original(prompt)).containsExactly("Write to jane.doe@example.org about it");
    }

    @Test
    void theOriginalIsDiscardedWhenTheDatasetDoesNotKeepIt() throws Exception {
        long dataset = importOne("Write to jane.doe@example.org about it", false);
        long prompt = onlyPrompt(dataset);

        review.acceptAll(prompt, "admin");

        assertThat(original(prompt)).isEmpty();
        assertThat(text(prompt)).doesNotContain("jane.doe");
    }

    @Test
    void rejectingEveryDetectionLeavesTheTextAndMarksItClean() throws Exception {
        long dataset = importOne("Write to jane.doe@example.org about it", false);
        long prompt = onlyPrompt(dataset);

        PiiStatus status = review.decide(detections(prompt).get(0), ReviewDecision.REJECT, null, "admin");

        assertThat(status).isEqualTo(PiiStatus.CLEAN);
        assertThat(text(prompt)).isEqualTo("Write to jane.doe@example.org about it");
    }

    @Test
    void anEditReplacesTheSpanWithTheAdminsText() throws Exception {
        long dataset = importOne("Write to jane.doe@example.org about it", false);
        long prompt = onlyPrompt(dataset);

        review.decide(detections(prompt).get(0), ReviewDecision.EDIT, "my landlord", "admin");

        assertThat(text(prompt)).isEqualTo("Write to my landlord about it");
    }

    @Test
    void decidingTwiceChangesNothingTheSecondTime() throws Exception {
        long dataset = importOne("Write to jane.doe@example.org about it", false);
        long prompt = onlyPrompt(dataset);
        long detection = detections(prompt).get(0);

        review.decide(detection, ReviewDecision.ACCEPT, null, "admin");
        PiiStatus again = review.decide(detection, ReviewDecision.REJECT, null, "other-admin");

        assertThat(again).isEqualTo(PiiStatus.SCRUBBED);
        assertThat(text(prompt)).isEqualTo("Write to [EMAIL] about it");
    }

    @Test
    void exportsNeverContainTextWaitingForReview() throws Exception {
        long dataset = datasets.create(settings("export", 200, 200, false), "tester");
        importLines(
                importer,
                dataset,
                false,
                List.of(
                        line("Call me on +44 20 7946 0958 tonight", "u1"),
                        line("What is the capital of France?", "u2")));

        String exported = exportAll(dataset);

        assertThat(exported).contains("capital of France").doesNotContain("7946");
        assertThat(exportActive(dataset)).contains("capital of France").doesNotContain("7946");
        assertThat(export.withheld(dataset)).isEqualTo(1);

        review.acceptAll(prompts(dataset).get(0), "admin");
        assertThat(exportAll(dataset)).contains("Call me on [PHONE] tonight").doesNotContain("7946");
    }

    /**
     * A chat import keeps its original messages in the prompt row; the scrub edits the text, so the export must rebuild
     * the turns from the scrubbed text and never write the originals.
     */
    @Test
    void theExportOfAScrubbedChatPromptCarriesOnlyTheScrubbedTurns() throws Exception {
        long dataset = datasets.create(settings("chat scrub", 200, 200, false), "tester");
        importLines(
                importer,
                dataset,
                false,
                List.of("{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"Write to jane.doe@example.org about it\"}],"
                        + " \"user_id\": \"u1\"}"));
        long prompt = onlyPrompt(dataset);

        review.acceptAll(prompt, "admin");

        String exported = exportAll(dataset);
        assertThat(exported).doesNotContain("jane.doe");
        var line = tools.jackson.databind.json.JsonMapper.builder().build().readTree(exported.strip());
        assertThat(line.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"Write to [EMAIL] about it\"}]");
    }

    private long importOne(String text, boolean keepOriginals) throws Exception {
        long dataset = datasets.create(settings("review", 200, 200, keepOriginals), "tester");
        importLines(importer, dataset, false, List.of(line(text, "u1")));
        return dataset;
    }

    private String exportAll(long dataset) {
        return export(dataset, false);
    }

    private String exportActive(long dataset) {
        return export(dataset, true);
    }

    private String export(long dataset, boolean activeOnly) {
        var out = new ByteArrayOutputStream();
        export.write(dataset, null, activeOnly, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private long onlyPrompt(long dataset) {
        List<Long> ids = prompts(dataset);
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private List<Long> prompts(long dataset) {
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d ORDER BY id")
                .param("d", dataset)
                .query(Long.class)
                .list();
    }

    private List<Long> detections(long prompt) {
        return jdbc.sql("SELECT id FROM pii_detection WHERE prompt_id = :p ORDER BY start_offset")
                .param("p", prompt)
                .query(Long.class)
                .list();
    }

    private String text(long prompt) {
        return jdbc.sql("SELECT text FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(String.class)
                .single();
    }

    private List<String> original(long prompt) {
        return jdbc.sql("SELECT original_text FROM prompt_pii_original WHERE prompt_id = :p")
                .param("p", prompt)
                .query(String.class)
                .list();
    }
}
