package org.instructforge.web.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.ImportFixtures.importLines;
import static org.instructforge.web.dataset.ImportFixtures.line;
import static org.instructforge.web.dataset.ImportFixtures.settings;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.instructforge.web.dataset.importing.ImportFormat;
import org.instructforge.web.dataset.importing.ImportStatus;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Imports through the real importer into real PostgreSQL. */
@SpringBootTest
class PromptImportTest {

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aFileWithABadLineAddsNothingAndReportsEveryBadLineWithItsNumber() throws Exception {
        long id = datasets.create(settings("strict", 200, 200, false), "tester");

        ImportStatus status = importLines(
                importer,
                id,
                false,
                List.of(
                        line("Fine prompt", "u1"),
                        "{\"prompt\": \"no user\"}",
                        "not json at all",
                        line("Another fine prompt", "u2")));

        assertThat(status.status()).isEqualTo("REJECTED");
        assertThat(status.badLines()).isEqualTo(2);
        assertThat(status.errors()).extracting(ImportStatus.LineError::line).containsExactly(2L, 3L);
        assertThat(status.errors().get(0).reason()).contains("user_id");
        assertThat(promptCount(id)).isZero();
    }

    @Test
    void skippingBadLinesImportsTheGoodOnes() throws Exception {
        long id = datasets.create(settings("skip", 200, 200, false), "tester");

        ImportStatus status = importLines(
                importer, id, true, List.of(line("Fine prompt", "u1"), "{broken", line("Another fine prompt", "u2")));

        assertThat(status.status()).isEqualTo("SUCCEEDED");
        assertThat(status.promptsAdded()).isEqualTo(2);
        assertThat(status.badLines()).isEqualTo(1);
        assertThat(promptCount(id)).isEqualTo(2);
    }

    @Test
    void importingTheSameFileTwiceAddsNothing() throws Exception {
        long id = datasets.create(settings("twice", 200, 200, false), "tester");
        List<String> lines = List.of(line("One", "u1"), line("Two", "u2"), line("Three", "u3"));

        ImportStatus first = importLines(importer, id, false, lines);
        ImportStatus second = importLines(importer, id, false, lines);

        assertThat(first.promptsAdded()).isEqualTo(3);
        assertThat(second.promptsAdded()).isZero();
        assertThat(second.promptsAlreadyPresent()).isEqualTo(3);
        assertThat(promptCount(id)).isEqualTo(3);
    }

    @Test
    void csvWithQuotedMultiLineFieldsImports() throws Exception {
        long id = datasets.create(settings("csv", 200, 200, false), "tester");
        String csv = "prompt,user_id,category,source\n"
                + "\"Summarise this:\nline one, line two\",u1,summarization,customer\n"
                + "Plain prompt,u2,Open QA,labeler\n";

        ImportStatus status = importer.runNow(new PromptImporter.ImportRequest(
                id,
                "p.csv",
                ImportFormat.CSV,
                false,
                ImportFixtures.bytes(csv.getBytes(StandardCharsets.UTF_8)),
                "tester"));

        assertThat(status.status()).isEqualTo("SUCCEEDED");
        assertThat(status.promptsAdded()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT category || '/' || source_kind FROM prompt WHERE dataset_id = :d ORDER BY id")
                        .param("d", id)
                        .query(String.class)
                        .list())
                .containsExactly("SUMMARIZATION/CUSTOMER", "OPEN_QA/LABELER");
    }

    @Test
    void promptsWithPiiWaitForReviewAndCleanOnesDoNot() throws Exception {
        long id = datasets.create(settings("pii import", 200, 200, false), "tester");

        ImportStatus status = importLines(
                importer,
                id,
                false,
                List.of(line("Mail me at jane.doe@example.org please", "u1"), line("What is 2 plus 2?", "u2")));

        assertThat(status.piiFlagged()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT pii_status FROM prompt WHERE dataset_id = :d ORDER BY id")
                        .param("d", id)
                        .query(String.class)
                        .list())
                .containsExactly("PENDING_REVIEW", "CLEAN");
        assertThat(jdbc.sql("""
                        SELECT d.pii_type || ':' || d.detected_text FROM pii_detection d JOIN prompt p ON p.id = d.prompt_id
                        WHERE p.dataset_id = :d""").param("d", id).query(String.class).list())
                .containsExactly("EMAIL:jane.doe@example.org");
    }

    @Test
    void invalidUtf8IsABadLineWithItsNumber() throws Exception {
        long id = datasets.create(settings("utf8", 200, 200, false), "tester");
        byte[] good = (line("Fine", "u1") + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] content = new byte[good.length + bad.length];
        System.arraycopy(good, 0, content, 0, good.length);
        System.arraycopy(bad, 0, content, good.length, bad.length);

        ImportStatus status = importer.runNow(new PromptImporter.ImportRequest(
                id, "bad.jsonl", ImportFormat.JSONL, false, ImportFixtures.bytes(content), "tester"));

        assertThat(status.status()).isEqualTo("REJECTED");
        assertThat(status.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).containsIgnoringCase("UTF-8");
        });
    }

    private long promptCount(long datasetId) {
        return jdbc.sql("SELECT count(*) FROM prompt WHERE dataset_id = :d")
                .param("d", datasetId)
                .query(Long.class)
                .single();
    }
}
