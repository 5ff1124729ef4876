package org.instructforge.web.checkpoint;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.CheckpointStatus;
import org.instructforge.shared.memory.ModelShape;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app's one reader of the checkpoint registry ({@code model_checkpoint}): engineers see READY checkpoints
 * only (a WRITING one is half-written, a FAILED one never finished), each with its lineage; runs and rounds name
 * their models whatever their status. The training service registers checkpoints; the web app only reads them here
 * and moves the "current policy" mark ({@code web.round.Publishing}).
 */
@Service
public class CheckpointCatalog {

    private record Row(
            long id,
            String name,
            CheckpointKind kind,
            CheckpointStatus status,
            Long parentId,
            Long referencePolicyId,
            Long rewardModelId,
            Long trainingRunId,
            String storagePath,
            String sha256,
            Long sizeBytes,
            String metrics,
            boolean currentPolicy,
            Instant publishedAt,
            Instant createdAt) {

        CheckpointRef ref() {
            return new CheckpointRef(id, name, kind, status == CheckpointStatus.READY);
        }
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CheckpointCatalog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Every READY checkpoint, newest first. */
    @Transactional(readOnly = true)
    public List<Checkpoint> listed() {
        Map<Long, Row> all = all();
        return all.values().stream()
                .filter(row -> row.status() == CheckpointStatus.READY)
                .sorted(Comparator.comparingLong(Row::id).reversed())
                .map(row -> checkpoint(row, all))
                .toList();
    }

    /** The READY checkpoint with this id, or 404. */
    @Transactional(readOnly = true)
    public Checkpoint ready(long id) {
        return find(id).orElseThrow(() -> new CheckpointNotFoundException(id));
    }

    @Transactional(readOnly = true)
    public Optional<Checkpoint> find(long id) {
        Map<Long, Row> all = all();
        Row row = all.get(id);
        return row == null || row.status() != CheckpointStatus.READY
                ? Optional.empty()
                : Optional.of(checkpoint(row, all));
    }

    /** READY checkpoints of these kinds, newest first, for the choices of a form. */
    @Transactional(readOnly = true)
    public List<CheckpointRef> choices(Collection<CheckpointKind> kinds) {
        return listed().stream()
                .filter(c -> kinds.contains(c.kind()))
                .map(Checkpoint::ref)
                .toList();
    }

    /** The checkpoint with this id whatever its status ({@code listed}: READY), as a run's input names it. */
    @Transactional(readOnly = true)
    public Optional<CheckpointRef> ref(long id) {
        return Optional.ofNullable(refs(List.of(id)).get(id));
    }

    /**
     * These checkpoints whatever their status, by id: the models a run or a round names may since have failed.
     * Ids no checkpoint has are left out.
     */
    @Transactional(readOnly = true)
    public Map<Long, CheckpointRef> refs(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, CheckpointRef> refs = new HashMap<>();
        jdbc.sql("SELECT id, name, kind, status FROM model_checkpoint WHERE id IN (:ids)")
                .param("ids", Set.copyOf(ids))
                .query((rs, n) -> new CheckpointRef(
                        rs.getLong(1),
                        rs.getString(2),
                        CheckpointKind.valueOf(rs.getString(3)),
                        CheckpointStatus.valueOf(rs.getString(4)) == CheckpointStatus.READY))
                .list()
                .forEach(ref -> refs.put(ref.id(), ref));
        return refs;
    }

    /**
     * The recorded architecture and shape of these checkpoints, by id (each id of a checkpoint; the unknown parts
     * null).
     */
    @Transactional(readOnly = true)
    public Map<Long, CheckpointShape> shapes(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, CheckpointShape> shapes = new HashMap<>();
        jdbc.sql("""
                        SELECT id, architecture, parameter_count, hidden_size, num_layers, num_heads, num_kv_heads,
                               head_dim, intermediate_size, vocab_size, max_positions, tied_embeddings
                        FROM model_checkpoint WHERE id IN (:ids)""")
                .param("ids", Set.copyOf(ids))
                .query((rs, n) -> {
                    String architecture = rs.getString(2);
                    boolean complete = architecture != null;
                    for (int column = 3; column <= 12; column++) {
                        complete &= rs.getObject(column) != null;
                    }
                    ModelShape shape = complete
                            ? new ModelShape(
                                    architecture,
                                    rs.getLong(3),
                                    rs.getInt(4),
                                    rs.getInt(5),
                                    rs.getInt(6),
                                    rs.getInt(7),
                                    rs.getInt(8),
                                    rs.getInt(9),
                                    rs.getInt(10),
                                    rs.getInt(11),
                                    rs.getBoolean(12))
                            : null;
                    return new CheckpointShape(rs.getLong(1), architecture, shape);
                })
                .list()
                .forEach(shape -> shapes.put(shape.id(), shape));
        return shapes;
    }

    /** Names of all checkpoints, whatever their status: a judged checkpoint may since have been deleted. */
    @Transactional(readOnly = true)
    public Map<Long, String> names() {
        Map<Long, String> names = new HashMap<>();
        jdbc.sql("SELECT id, name FROM model_checkpoint").query(rs -> {
            names.put(rs.getLong(1), rs.getString(2));
        });
        return names;
    }

    /** Whether a checkpoint of any status has this name: names are unique, so a run's output named so would clash. */
    @Transactional(readOnly = true)
    public boolean nameTaken(String name) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM model_checkpoint WHERE name = :name)")
                .param("name", name)
                .query(Boolean.class)
                .single();
    }

    /** The whole table (lineage links point at any status); registries hold tens of checkpoints, not millions. */
    private Map<Long, Row> all() {
        Map<Long, Row> rows = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT id, name, kind, status, parent_id, reference_policy_id, reward_model_id, training_run_id,
                               storage_path, sha256, size_bytes, metrics::text, is_current_policy, published_at,
                               created_at
                        FROM model_checkpoint ORDER BY id""")
                .query((rs, n) -> new Row(
                        rs.getLong(1),
                        rs.getString(2),
                        CheckpointKind.valueOf(rs.getString(3)),
                        CheckpointStatus.valueOf(rs.getString(4)),
                        rs.getObject(5, Long.class),
                        rs.getObject(6, Long.class),
                        rs.getObject(7, Long.class),
                        rs.getObject(8, Long.class),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getObject(11, Long.class),
                        rs.getString(12),
                        rs.getBoolean(13),
                        instant(rs, 14),
                        instant(rs, 15)))
                .list()
                .forEach(row -> rows.put(row.id(), row));
        return rows;
    }

    private Checkpoint checkpoint(Row row, Map<Long, Row> all) {
        List<CheckpointRef> lineage = new ArrayList<>();
        Set<Long> seen = new HashSet<>(Set.of(row.id()));
        for (Long parent = row.parentId(); parent != null && seen.add(parent); ) {
            Row ancestor = all.get(parent);
            lineage.add(0, ancestor.ref());
            parent = ancestor.parentId();
        }
        return new Checkpoint(
                row.id(),
                row.name(),
                row.kind(),
                List.copyOf(lineage),
                ref(row.referencePolicyId(), all),
                ref(row.rewardModelId(), all),
                row.trainingRunId(),
                row.storagePath(),
                row.sha256(),
                row.sizeBytes(),
                json.readValue(row.metrics(), new TypeReference<LinkedHashMap<String, Object>>() {}),
                row.currentPolicy(),
                row.publishedAt(),
                row.createdAt());
    }

    private static CheckpointRef ref(Long id, Map<Long, Row> all) {
        return id == null ? null : all.get(id).ref();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
