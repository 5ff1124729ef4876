package org.instructforge.web.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.ImportFixtures.importLines;
import static org.instructforge.web.dataset.ImportFixtures.line;
import static org.instructforge.web.dataset.ImportFixtures.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Dedup, the per-user cap and splits by user, on real PostgreSQL through the real importer. */
@SpringBootTest
class CurationTest {

    @Autowired
    Datasets datasets;

    @Autowired
    Curation curation;

    @Autowired
    PromptImporter importer;

    @Autowired
    JdbcClient jdbc;

    @Test
    void promptsSharingALongNormalisedPrefixAreDuplicatesAndTheFirstIsKept() throws Exception {
        long id = datasets.create(settings("dedup", 200, 30, false), "tester");
        importLines(
                importer,
                id,
                false,
                List.of(
                        line("Write a poem about the sea and the wind", "u1"),
                        line("write   a POEM about the sea and the moon", "u2"),
                        line("Write a story about a dragon", "u3")));

        CurationReport report = curation.curate(id, "tester");

        assertThat(report.kept()).isEqualTo(2);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(statusOf(id, "write   a POEM about the sea and the moon")).isEqualTo("DUPLICATE");
        assertThat(statusOf(id, "Write a poem about the sea and the wind")).isEqualTo("ACTIVE");
    }

    @Test
    void aLongerDedupPrefixKeepsPromptsThatDifferAfterTheShorterOne() throws Exception {
        DatasetSettings longPrefix = settings("dedup long", 200, 60, false);
        long id = datasets.create(longPrefix, "tester");
        importLines(
                importer,
                id,
                false,
                List.of(
                        line("Write a poem about the sea and the wind", "u1"),
                        line("write   a POEM about the sea and the moon", "u2")));
        assertThat(curation.curate(id, "tester").duplicates()).isZero();

        datasets.update(id, settings("dedup short", 200, 30, false), "tester");
        assertThat(curation.curate(id, "tester").duplicates()).isEqualTo(1);
    }

    @Test
    void eachUserKeepsAtMostTheCapAndTheRestAreDropped() throws Exception {
        long id = datasets.create(settings("cap", 3, 200, false), "tester");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(line("Prolific prompt number " + i, "prolific"));
        }
        lines.add(line("A single prompt", "quiet"));
        importLines(importer, id, false, lines);

        CurationReport report = curation.curate(id, "tester");

        assertThat(report.overCap()).isEqualTo(2);
        assertThat(report.kept()).isEqualTo(4);
        assertThat(jdbc.sql("SELECT text FROM prompt WHERE dataset_id = :d AND status = 'OVER_CAP' ORDER BY id")
                        .param("d", id)
                        .query(String.class)
                        .list())
                .containsExactly("Prolific prompt number 3", "Prolific prompt number 4");
    }

    @Test
    void noUserAppearsInTwoSplitsAndSplitsAreStableAcrossReRuns() throws Exception {
        long id = datasets.create(settings("splits", 200, 200, false), "tester");
        List<String> lines = new ArrayList<>();
        for (int user = 0; user < 300; user++) {
            for (int k = 0; k < 3; k++) {
                lines.add(line("Prompt " + k + " of user " + user, "user-" + user));
            }
        }
        importLines(importer, id, false, lines);
        Map<String, String> first = splitsByPrompt(id);

        CurationReport report = curation.curate(id, "tester");

        long usersInSeveralSplits =
                jdbc.sql("""
                        SELECT count(*) FROM (SELECT source_user_id FROM prompt WHERE dataset_id = :d
                                              GROUP BY source_user_id HAVING count(DISTINCT split) > 1) x""").param("d", id).query(Long.class).single();
        assertThat(usersInSeveralSplits).isZero();
        assertThat(report.trainUsers() + report.validUsers() + report.testUsers())
                .isEqualTo(300);
        assertThat(report.trainUsers()).isBetween(200L, 280L);
        assertThat(splitsByPrompt(id)).isEqualTo(first);
    }

    private String statusOf(long datasetId, String text) {
        return jdbc.sql("SELECT status FROM prompt WHERE dataset_id = :d AND text = :t")
                .param("d", datasetId)
                .param("t", text)
                .query(String.class)
                .single();
    }

    private Map<String, String> splitsByPrompt(long datasetId) {
        Map<String, String> splits = new java.util.HashMap<>();
        jdbc.sql("SELECT text, split FROM prompt WHERE dataset_id = :d")
                .param("d", datasetId)
                .query((rs, n) -> splits.put(rs.getString(1), rs.getString(2)))
                .list();
        return splits;
    }
}
