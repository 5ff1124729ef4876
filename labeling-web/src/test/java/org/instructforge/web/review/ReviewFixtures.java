package org.instructforge.web.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.demonstration.DemonstrationWork;
import org.instructforge.web.export.LabelExport;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.instructforge.web.ranking.CandidateImport;
import org.instructforge.web.ranking.RankingSubmission;
import org.instructforge.web.ranking.RankingWork;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Datasets whose labels go to review, labels submitted through the real queue, reviewers, and the exports' lines. A
 * bean the review tests import ({@code @Import(ReviewFixtures.class)}).
 */
record ReviewFixtures(
        Accounts accounts,
        Datasets datasets,
        PromptImporter importer,
        CandidateImport candidates,
        TaskQueue queue,
        DemonstrationWork demonstrations,
        RankingWork rankings,
        LabelExport export,
        JdbcClient jdbc) {

    static final String PASSWORD = "review-password";

    /** A dataset of one TRAIN prompt per text, with this review share; returns its id. */
    long dataset(int reviewPercent, String... prompts) throws Exception {
        long id = datasets.create(ImportFixtures.allTrain("review", 1, "0", reviewPercent), "tester");
        ImportFixtures.importLines(
                importer,
                id,
                false,
                java.util.Arrays.stream(prompts)
                        .map(p -> ImportFixtures.line(p, "u-" + p.hashCode()))
                        .toList());
        return id;
    }

    long prompt(long dataset, String text) {
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d AND text = :t")
                .param("d", dataset)
                .param("t", text)
                .query(Long.class)
                .single();
    }

    String person(String prefix, Role... roles) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, PASSWORD, Set.of(roles), null);
        return name;
    }

    /** The labeler writes and submits a demonstration for the prompt; returns the demonstration's id. */
    long demonstrate(String labeler, long prompt, String text) {
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.DEMONSTRATION, prompt);
        demonstrations.submit(lease.id(), labeler, text);
        return jdbc.sql("SELECT x.id FROM demonstration x JOIN app_user u ON u.id = x.labeler_id"
                        + " WHERE x.prompt_id = :p AND u.username = :u")
                .param("p", prompt)
                .param("u", labeler)
                .query(Long.class)
                .single();
    }

    /** A ranking task of four outputs for the prompt (gold order 0..3 when asked); returns the task id. */
    long rankingTask(long dataset, long prompt, boolean gold) {
        String line = "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"first\"}, {\"text\": \"second\"},"
                + " {\"text\": \"third\"}, {\"text\": \"fourth\"}]" + (gold ? ", \"gold\": [0, 1, 2, 3]" : "") + "}\n";
        assertThat(candidates
                        .importFile(dataset, new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), "admin")
                        .errors())
                .isEmpty();
        return jdbc.sql("SELECT id FROM ranking_task WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    /** The labeler ranks the outputs in position order, or reversed; returns the ranking's id. */
    long rank(String labeler, long task, boolean reversed) {
        Lease lease = QueueFixtures.claim(queue, labeler, TaskKind.RANKING, task);
        List<Long> ids = jdbc.sql("SELECT id FROM ranking_candidate WHERE task_id = :t ORDER BY position")
                .param("t", task)
                .query(Long.class)
                .list();
        Map<Long, Integer> ranks = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            ranks.put(ids.get(i), reversed ? ids.size() - i : i + 1);
        }
        rankings.submit(lease.id(), labeler, new RankingSubmission(ranks, Map.of(), Map.of(), false, null, 10_000L));
        return QueueFixtures.rankingOf(jdbc, labeler, task);
    }

    String sftExport(long dataset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        export.sft(new LabelExport.Selection(dataset, null), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    String preferenceExport(long dataset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        export.preferences(new LabelExport.Selection(dataset, null), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    String rankingExport(long dataset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        export.rankings(new LabelExport.Selection(dataset, null), false, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    String reviewStatus(String table, long id) {
        return jdbc.sql("SELECT review_status FROM " + table + " WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> rs.getString(1))
                .list()
                .get(0); // null when the label was not picked
    }
}
