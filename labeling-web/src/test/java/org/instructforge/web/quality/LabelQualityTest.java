package org.instructforge.web.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.instructforge.web.ranking.AiFeedbackFixtures;
import org.instructforge.web.ranking.CandidateImport;
import org.instructforge.web.ranking.RankingSubmission;
import org.instructforge.web.ranking.RankingWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/** Agreement and gold accuracy from rankings made through the real queue; admins act on them. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
@AutoConfigureMockMvc
class LabelQualityTest {

    @Autowired
    LabelQuality quality;

    @Autowired
    TaskQueue queue;

    @Autowired
    RankingWork rankings;

    @Autowired
    CandidateImport candidates;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    Accounts accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MockMvc mvc;

    @Test
    void labelersWhoAgreeWithTheGoldScoreHigherThanOneWhoReversesIt() throws Exception {
        long task = goldTask();
        List<Long> gold = candidatesOf(task);
        String good1 = rankedBy(task, gold, 1, 2, 3, 4);
        String good2 = rankedBy(task, gold, 1, 2, 4, 3);
        String contrarian = rankedBy(task, gold, 4, 3, 2, 1);

        QualityReport report = quality.report();

        LabelerStats first = stats(report, good1);
        LabelerStats second = stats(report, good2);
        LabelerStats reversed = stats(report, contrarian);
        assertThat(first.goldAccuracy()).isEqualTo(1.0);
        assertThat(second.goldAccuracy()).isEqualTo(5.0 / 6);
        assertThat(reversed.goldAccuracy()).isEqualTo(0.0);
        assertThat(first.agreement()).isGreaterThan(reversed.agreement());
        assertThat(report.pairwiseAgreement()).isNotNull();
    }

    @Test
    void anAdminExcludesALabelersLabelsAndDisablesTheAccount() throws Exception {
        String labeler = labeler();
        long id = jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", labeler)
                .query(Long.class)
                .single();

        mvc.perform(post("/admin/people/" + id + "/labels")
                        .param("excluded", "true")
                        .with(user("admin").roles("ADMIN"))
                        .with(csrf()))
                .andExpect(status().is3xxRedirection());
        mvc.perform(post("/admin/people/" + id + "/access")
                        .param("enabled", "false")
                        .with(user("admin").roles("ADMIN"))
                        .with(csrf()))
                .andExpect(status().is3xxRedirection());

        LabelerStats stats = stats(quality.report(), labeler);
        assertThat(stats.labelsExcluded()).isTrue();
        assertThat(stats.enabled()).isFalse();
        mvc.perform(get("/admin/quality").with(user("admin").roles("ADMIN"))).andExpect(status().isOk());
        mvc.perform(get("/admin/quality").with(user(labeler).roles("LABELER"))).andExpect(status().isForbidden());
    }

    @Test
    void aiFeedbackIsCountedApartAndNeverInAgreementOrALabelersFigures() throws Exception {
        long task = goldTask();
        List<Long> gold = candidatesOf(task);
        String person = labeler();
        rank(person, task, Map.of(gold.get(0), 1, gold.get(1), 2, gold.get(2), 3, gold.get(3), 4));
        QualityReport before = quality.report();

        AiFeedbackFixtures.reversedAiRanking(jdbc, task);
        QualityReport after = quality.report();

        assertThat(after.aiFeedback().rankings()).isEqualTo(before.aiFeedback().rankings() + 1);
        // One person and the AI labeler on an item is no overlap between labelers.
        assertThat(after.itemsWithOverlap()).isEqualTo(before.itemsWithOverlap());
        assertThat(after.pairwiseAgreement()).isEqualTo(before.pairwiseAgreement());
        assertThat(stats(after, person).agreement()).isNull();
        assertThat(stats(after, person).rankings()).isEqualTo(1);
        assertThat(after.labelers()).noneMatch(l -> l.username().equals(Accounts.AI_LABELER));
        mvc.perform(get("/admin/quality").with(user("admin").roles("ADMIN")))
                .andExpect(content()
                        .string(org.hamcrest.Matchers.containsString(
                                "AI feedback (RLAIF), not counted in any figure on this page: "
                                        + after.aiFeedback().rankings() + " rankings")));
    }

    @Test
    void aMalformedStoredRankingIsLeftOutAndNamedWhileTheQualityPageAndReviewQueueStillShow() throws Exception {
        long task = goldTask();
        List<Long> gold = candidatesOf(task);
        String good1 = rankedBy(task, gold, 1, 2, 3, 4);
        String good2 = rankedBy(task, gold, 1, 2, 4, 3);
        String oneOutput = rankedBy(task, gold, 4, 3, 2, 1);
        // A task takes three rankings: the fourth labeler ranks another copy of it.
        long other = goldTask();
        String noBest = rankedBy(other, candidatesOf(other), 1, 2, 3, 4);
        // Rows no submission can write, put straight into the database: a ranking left with one output, and one
        // whose ranks do not match its outputs (four outputs, none ranked best).
        long broken = QueueFixtures.rankingOf(jdbc, oneOutput, task);
        jdbc.sql("DELETE FROM ranking_entry WHERE ranking_id = :r AND candidate_id <> :keep")
                .param("r", broken)
                .param("keep", gold.get(0))
                .update();
        long mismatched = QueueFixtures.rankingOf(jdbc, noBest, other);
        jdbc.sql("UPDATE ranking_entry SET rank = 3 WHERE ranking_id = :r")
                .param("r", mismatched)
                .update();

        QualityReport report = quality.report();

        assertThat(report.unreadableRankings()).contains(broken, mismatched);
        // The two readable rankings alone make the item's figures: 5 of 6 pairs agree, as without the broken rows.
        assertThat(stats(report, good1).agreement()).isEqualTo(5.0 / 6);
        assertThat(stats(report, good2).goldAccuracy()).isEqualTo(5.0 / 6);
        assertThat(stats(report, oneOutput).goldAccuracy()).isNull();
        assertThat(stats(report, noBest).agreement()).isNull();
        mvc.perform(get("/admin/quality").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("unreadable rankings")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("#" + broken)))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("#" + mismatched)));
        mvc.perform(get("/review").with(user("quality-reviewer").roles("REVIEWER")))
                .andExpect(status().isOk());
    }

    /** A fresh labeler who ranks the task's outputs (in upload order) with these ranks; returns the username. */
    private String rankedBy(long task, List<Long> outputs, int... ranks) {
        String labeler = labeler();
        Map<Long, Integer> byOutput = new java.util.HashMap<>();
        for (int i = 0; i < ranks.length; i++) {
            byOutput.put(outputs.get(i), ranks[i]);
        }
        rank(labeler, task, byOutput);
        return labeler;
    }

    /** The task's outputs in upload order, which is its gold order (best first). */
    private List<Long> candidatesOf(long task) {
        return jdbc.sql("SELECT id FROM ranking_candidate WHERE task_id = :t ORDER BY position")
                .param("t", task)
                .query(Long.class)
                .list();
    }

    private LabelerStats stats(QualityReport report, String username) {
        return report.labelers().stream()
                .filter(l -> l.username().equals(username))
                .findFirst()
                .orElseThrow();
    }

    private long goldTask() throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("gold", 3, "1"), "tester");
        ImportFixtures.importLines(
                importer, dataset, false, List.of(ImportFixtures.line("Order these by size.", "u1")));
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String line = "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"whale\"}, {\"text\": \"horse\"}, "
                + "{\"text\": \"cat\"}, {\"text\": \"ant\"}], \"gold\": [0, 1, 2, 3]}\n";
        assertThat(candidates
                        .importFile(dataset, new ByteArrayInputStream(line.getBytes()), "admin")
                        .errors())
                .isEmpty();
        return jdbc.sql("SELECT id FROM ranking_task WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private void rank(String labeler, long task, Map<Long, Integer> ranks) {
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.RANKING, task);
        assertThat(rankings.task(lease.id(), labeler).outputs()).hasSize(4);
        rankings.submit(lease.id(), labeler, new RankingSubmission(ranks, Map.of(), Map.of(), false, null, 30_000L));
    }

    private String labeler() {
        String name = "q-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, "secret-password", Set.of(Role.LABELER), null);
        return name;
    }
}
