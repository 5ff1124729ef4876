package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * The schema on a real PostgreSQL: every migration applies, and the entities validate against it (the
 * context would not start otherwise, since ddl-auto is validate). The constraints that guard labels are
 * checked by trying to break them.
 */
@SpringBootTest
@Transactional
class SchemaTest {

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.jpa.hibernate.ddl-auto}")
    String ddlAuto;

    @Test
    void everyMigrationInDbMigrationsIsApplied() throws IOException {
        long files;
        try (Stream<Path> migrations = Files.list(Path.of("../db/migrations"))) {
            files = migrations
                    .filter(p -> p.getFileName().toString().matches("V\\d+__.+\\.sql"))
                    .count();
        }
        long applied = jdbc.sql("SELECT count(*) FROM flyway_schema_history WHERE success")
                .query(Long.class)
                .single();
        assertThat(files).isGreaterThanOrEqualTo(14);
        assertThat(applied).isEqualTo(files);
    }

    @Test
    void entitiesAreValidatedAgainstTheSchemaNotGeneratedFromIt() {
        assertThat(ddlAuto).isEqualTo("validate");
    }

    @Test
    void aLabelerCannotBeLeasedTheSameItemTwice() {
        long labeler = user("lease-twice");
        long prompt = prompt("lease twice");
        lease(labeler, prompt);
        assertThatThrownBy(() -> lease(labeler, prompt)).isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void aNotRankableRankingNeedsAReason() {
        long labeler = user("no-reason");
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id) VALUES (:p) RETURNING id")
                .param("p", prompt("not rankable"))
                .query(Long.class)
                .single();
        assertThatThrownBy(
                        () -> jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, not_rankable, display_order)
                        VALUES (:t, :l, TRUE, '[]')""").param("t", task).param("l", labeler).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void onlyOneCheckpointCanBeTheCurrentPolicy() {
        jdbc.sql("INSERT INTO model_checkpoint (name, kind, storage_path, is_current_policy) "
                        + "VALUES ('p1', 'SFT', '/tmp/p1', TRUE)")
                .update();
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO model_checkpoint (name, kind, storage_path, is_current_policy) "
                                + "VALUES ('p2', 'PPO', '/tmp/p2', TRUE)")
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void splitRatiosMustAddUpToOne() {
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO prompt_dataset (name, train_ratio, valid_ratio, test_ratio) "
                                + "VALUES ('bad ratios', 0.8, 0.3, 0.1)")
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void onlyActivePromptsWhosePiiReviewIsDoneAreUsable() {
        long prompt = prompt("usable or not");
        assertThat(usable(prompt)).isFalse(); // UNSCANNED
        for (String pii : List.of("CLEAN", "SCRUBBED", "PENDING_REVIEW", "UNSCANNED")) {
            for (String status : List.of("ACTIVE", "DUPLICATE", "OVER_CAP", "RETIRED")) {
                jdbc.sql("UPDATE prompt SET pii_status = :pii, status = :s WHERE id = :p")
                        .param("pii", pii)
                        .param("s", status)
                        .param("p", prompt)
                        .update();
                assertThat(usable(prompt))
                        .as(pii + " and " + status)
                        .isEqualTo(status.equals("ACTIVE") && (pii.equals("CLEAN") || pii.equals("SCRUBBED")));
            }
        }
    }

    /**
     * PostgreSQL inlines the gate into the calling query (nothing of the function is left in the plan: a function it
     * could not inline would stand in the plan's filter), so the queue's claims still match the partial indexes whose
     * predicates state the same rule.
     */
    @Test
    void theUsablePromptRuleIsInlinedIntoTheQueriesThatAskIt() {
        String plan = String.join(
                "\n",
                jdbc.sql("EXPLAIN VERBOSE SELECT p.id FROM prompt p WHERE prompt_usable(p) AND p.split = 'TRAIN'")
                        .query(String.class)
                        .list());
        assertThat(plan).doesNotContain("prompt_usable").doesNotContain("prompt_pii_cleared");
    }

    private boolean usable(long prompt) {
        return jdbc.sql("SELECT prompt_usable(p) FROM prompt p WHERE id = :p")
                .param("p", prompt)
                .query(Boolean.class)
                .single();
    }

    private long user(String name) {
        return jdbc.sql(
                        "INSERT INTO app_user (username, display_name, password_hash) VALUES (:u, :u, 'x') RETURNING id")
                .param("u", name)
                .query(Long.class)
                .single();
    }

    private long prompt(String text) {
        long dataset = jdbc.sql("INSERT INTO prompt_dataset (name) VALUES (:n) RETURNING id")
                .param("n", "schema test " + text)
                .query(Long.class)
                .single();
        return jdbc.sql("""
                        INSERT INTO prompt (dataset_id, text, source_user_id, source_kind, dedup_key, content_hash)
                        VALUES (:d, :t, 'u1', 'CUSTOMER', md5(:t), md5(:t)) RETURNING id""")
                .param("d", dataset)
                .param("t", text)
                .query(Long.class)
                .single();
    }

    private void lease(long labeler, long prompt) {
        jdbc.sql("""
                        INSERT INTO task_assignment (task_kind, prompt_id, labeler_id, lease_expires_at)
                        VALUES ('DEMONSTRATION', :p, :l, now() + interval '30 minutes')""").param("p", prompt).param("l", labeler).update();
    }
}
