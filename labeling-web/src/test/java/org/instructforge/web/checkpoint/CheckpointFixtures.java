package org.instructforge.web.checkpoint;

import java.util.UUID;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Checkpoints, runs and split prompts written straight into the shared test database. */
public final class CheckpointFixtures {

    private CheckpointFixtures() {}

    /** A dataset with this many PII-cleared prompts in each split; returns its id. */
    public static long dataset(Datasets datasets, JdbcClient jdbc, int train, int valid, int test) {
        long id = datasets.create(ImportFixtures.allTrain("rounds", 1, "0"), "tester");
        prompts(jdbc, id, "TRAIN", train);
        prompts(jdbc, id, "VALID", valid);
        prompts(jdbc, id, "TEST", test);
        return id;
    }

    public static void prompts(JdbcClient jdbc, long datasetId, String split, int count) {
        for (int i = 0; i < count; i++) {
            String text = split + " prompt " + i + " " + UUID.randomUUID();
            jdbc.sql("""
                            INSERT INTO prompt (dataset_id, text, source_user_id, source_kind, split, pii_status,
                                                dedup_key, content_hash)
                            VALUES (:d, :text, :user, 'CUSTOMER', :split, 'CLEAN', :key, :key)""")
                    .param("d", datasetId)
                    .param("text", text)
                    .param("user", "user-" + i)
                    .param("split", split)
                    .param("key", UUID.randomUUID().toString())
                    .update();
        }
    }

    /** A registered checkpoint with a unique name starting with {@code name}; returns its id. */
    public static long checkpoint(JdbcClient jdbc, String name, String kind, Long parent, String status, String path) {
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, parent_id, status, storage_path, sha256, size_bytes,
                                                      metrics)
                        VALUES (:name, :kind, :parent, :status, :path, :sha, 1536,
                                '{"sft/val_loss": 1.23456789, "selection": {"reward": 0.5}}')
                        RETURNING id""")
                .param("name", name + "-" + UUID.randomUUID().toString().substring(0, 8))
                .param("kind", kind)
                .param("parent", parent, java.sql.Types.BIGINT)
                .param("status", status)
                .param("path", path)
                .param("sha", "ab".repeat(32))
                .query(Long.class)
                .single();
    }

    public static String nameOf(JdbcClient jdbc, long checkpoint) {
        return jdbc.sql("SELECT name FROM model_checkpoint WHERE id = :id")
                .param("id", checkpoint)
                .query(String.class)
                .single();
    }
}
