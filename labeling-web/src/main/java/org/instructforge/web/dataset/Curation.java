package org.instructforge.web.dataset;

import java.sql.Array;
import java.util.ArrayList;
import java.util.List;
import org.instructforge.shared.PromptFingerprint;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The InstructGPT curation of a dataset, in one pass: deduplicate prompts sharing a long normalised
 * prefix (keeping the earliest), cap each source user at N prompts, and split train/valid/test by user.
 * Idempotent: running it twice gives the same result; retired prompts are left alone.
 */
@Service
public class Curation {

    private static final int BATCH = 1000;

    private final PromptDatasetRepository datasets;
    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final AuditTrail audit;

    Curation(PromptDatasetRepository datasets, JdbcClient jdbc, JdbcTemplate jdbcTemplate, AuditTrail audit) {
        this.datasets = datasets;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.audit = audit;
    }

    @Transactional
    public CurationReport curate(long datasetId, String actor) {
        PromptDataset dataset = datasets.findById(datasetId).orElseThrow(() -> new DatasetNotFoundException(datasetId));
        refreshDedupKeys(dataset);
        jdbc.sql("UPDATE prompt SET status = 'ACTIVE' WHERE dataset_id = :d AND status IN ('DUPLICATE', 'OVER_CAP')")
                .param("d", datasetId)
                .update();
        markAllButFirst(datasetId, "dedup_key", 1, "DUPLICATE");
        markAllButFirst(datasetId, "source_user_id", dataset.getMaxPromptsPerUser(), "OVER_CAP");
        assignSplits(dataset);
        CurationReport report = report(datasetId);
        audit.record(
                actor,
                "dataset.curated",
                "prompt_dataset",
                datasetId,
                "kept",
                report.kept(),
                "duplicates",
                report.duplicates(),
                "overCap",
                report.overCap());
        return report;
    }

    /** Dedup keys depend on the prefix length (which the admin may change) and on the text (scrubbing). */
    private void refreshDedupKeys(PromptDataset dataset) {
        List<Object[]> changed = new ArrayList<>();
        jdbcTemplate.query(
                connection -> {
                    // A cursor, not the whole dataset in memory: PostgreSQL streams with a fetch size
                    // inside a transaction.
                    var statement = connection.prepareStatement(
                            "SELECT id, text, dedup_key FROM prompt WHERE dataset_id = ? AND status <> 'RETIRED'");
                    statement.setFetchSize(BATCH);
                    statement.setLong(1, dataset.getId());
                    return statement;
                },
                (java.sql.ResultSet rs) -> {
                    String key = PromptFingerprint.dedupKey(rs.getString(2), dataset.getDedupPrefixChars());
                    if (!key.equals(rs.getString(3))) {
                        changed.add(new Object[] {key, rs.getLong(1)});
                        if (changed.size() == BATCH) {
                            flushKeys(changed);
                        }
                    }
                });
        flushKeys(changed);
    }

    private void flushKeys(List<Object[]> changed) {
        if (!changed.isEmpty()) {
            jdbcTemplate.batchUpdate("UPDATE prompt SET dedup_key = ? WHERE id = ?", changed);
            changed.clear();
        }
    }

    /** Within each group of active prompts, keeps the first {@code keep} by id and marks the rest. */
    private void markAllButFirst(long datasetId, String groupColumn, int keep, String status) {
        jdbc.sql("""
                        UPDATE prompt p SET status = :status
                        FROM (SELECT id, row_number() OVER (PARTITION BY %s ORDER BY id) AS rn
                              FROM prompt WHERE dataset_id = :d AND status = 'ACTIVE') ranked
                        WHERE p.id = ranked.id AND ranked.rn > :keep""".formatted(groupColumn))
                .param("status", status)
                .param("d", datasetId)
                .param("keep", keep)
                .update();
    }

    private void assignSplits(PromptDataset dataset) {
        List<String> users = jdbc.sql("SELECT DISTINCT source_user_id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset.getId())
                .query(String.class)
                .list();
        SplitRatios ratios = dataset.splitRatios();
        String[] splits = users.stream()
                .map(user -> ratios.splitFor(dataset.getId(), user).name())
                .toArray(String[]::new);
        jdbcTemplate.update(connection -> {
            var statement = connection.prepareStatement("""
                            UPDATE prompt p SET split = v.split
                            FROM (SELECT unnest(?::text[]) AS user_id, unnest(?::text[]) AS split) v
                            WHERE p.dataset_id = ? AND p.source_user_id = v.user_id
                              AND p.split IS DISTINCT FROM v.split""");
            Array userArray = connection.createArrayOf("text", users.toArray());
            statement.setArray(1, userArray);
            statement.setArray(2, connection.createArrayOf("text", splits));
            statement.setLong(3, dataset.getId());
            return statement;
        });
    }

    private CurationReport report(long datasetId) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE status = 'ACTIVE'),
                               count(*) FILTER (WHERE status = 'DUPLICATE'),
                               count(*) FILTER (WHERE status = 'OVER_CAP'),
                               count(*) FILTER (WHERE status = 'ACTIVE' AND split = 'TRAIN'),
                               count(*) FILTER (WHERE status = 'ACTIVE' AND split = 'VALID'),
                               count(*) FILTER (WHERE status = 'ACTIVE' AND split = 'TEST'),
                               count(DISTINCT source_user_id) FILTER (WHERE split = 'TRAIN'),
                               count(DISTINCT source_user_id) FILTER (WHERE split = 'VALID'),
                               count(DISTINCT source_user_id) FILTER (WHERE split = 'TEST')
                        FROM prompt WHERE dataset_id = :d""")
                .param("d", datasetId)
                .query((rs, row) -> new CurationReport(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getLong(9)))
                .single();
    }
}
