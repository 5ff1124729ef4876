package org.instructforge.web.comparison;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An evaluation round as the training service leaves it: two checkpoints, a prompt, and comparison tasks of their
 * two outputs (model A and model B) in one label round.
 */
public final class ComparisonFixtures {

    /** The round, its tasks, and the names of the two models (which labelers must never see). */
    public record Evaluation(long roundId, List<Long> taskIds, String modelA, String modelB) {}

    private ComparisonFixtures() {}

    public static Evaluation evaluation(
            Datasets datasets,
            PromptImporter importer,
            JdbcClient jdbc,
            String roundStatus,
            int tasks,
            int labelsWanted,
            String prompt,
            String outputA,
            String outputB)
            throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("evaluation", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line(prompt, "u1")));
        long promptId = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String modelA = "sft-model-" + suffix;
        String modelB = "ppo-model-" + suffix;
        long a = checkpoint(jdbc, modelA, "SFT");
        long b = checkpoint(jdbc, modelB, "PPO");
        long round = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, policy_checkpoint_id, baseline_checkpoint_id,
                                                 status, split, labels_wanted)
                        VALUES (:d, 'EVALUATION', :name, :b, :a, :status, 'TEST', :wanted) RETURNING id""")
                .param("d", dataset)
                .param("name", "eval " + suffix)
                .param("a", a)
                .param("b", b)
                .param("status", roundStatus)
                .param("wanted", labelsWanted)
                .query(Long.class)
                .single();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(jdbc.sql("""
                            INSERT INTO comparison_task (prompt_id, round_id, model_a_id, model_b_id, output_a,
                                                         output_b, labels_wanted)
                            VALUES (:p, :r, :a, :b, :oa, :ob, :wanted) RETURNING id""")
                    .param("p", promptId)
                    .param("r", round)
                    .param("a", a)
                    .param("b", b)
                    .param("oa", outputA)
                    .param("ob", outputB)
                    .param("wanted", labelsWanted)
                    .query(Long.class)
                    .single());
        }
        return new Evaluation(round, ids, modelA, modelB);
    }

    private static long checkpoint(JdbcClient jdbc, String name, String kind) {
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path)
                        VALUES (:n, :k, 'READY', :path) RETURNING id""")
                .param("n", name)
                .param("k", kind)
                .param("path", "/tmp/checkpoints/" + name)
                .query(Long.class)
                .single();
    }
}
