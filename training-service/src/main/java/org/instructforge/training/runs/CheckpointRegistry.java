package org.instructforge.training.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.CheckpointStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.RunInputs;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.Checkpoints;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checkpoint registry ({@code model_checkpoint}) as the worker writes it. A checkpoint is registered WRITING
 * before its directory is written (temporary folder, SHA256SUMS, atomic rename: {@link Checkpoints#writeAtomically})
 * and becomes READY only once the directory verifies, so the dashboard never lists a half-written one; a worker that
 * dies in between leaves a WRITING row that {@link #failAbandoned} marks FAILED.
 */
@Component
class CheckpointRegistry {

    /** A registered checkpoint: where its HF-layout directory is. */
    record Entry(
            long id, String name, CheckpointKind kind, CheckpointStatus status, Path dir, Long referencePolicyId) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    CheckpointRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Entry get(long id) {
        return jdbc.sql("SELECT id, name, kind, status, storage_path, reference_policy_id FROM model_checkpoint"
                        + " WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> new Entry(
                        rs.getLong(1),
                        rs.getString(2),
                        CheckpointKind.valueOf(rs.getString(3)),
                        CheckpointStatus.valueOf(rs.getString(4)),
                        Path.of(rs.getString(5)),
                        (Long) rs.getObject(6)))
                .optional()
                .orElseThrow(() -> new RunFailure("Checkpoint " + id + " does not exist"));
    }

    /** A READY checkpoint whose directory is there and verifies, or a clear failure. */
    public Entry usable(long id) {
        Entry e = get(id);
        if (e.status() != CheckpointStatus.READY) {
            throw new RunFailure("Checkpoint " + e.name() + " is " + e.status() + ", not READY");
        }
        if (!Files.isRegularFile(e.dir().resolve("config.json"))) {
            throw new RunFailure("Checkpoint " + e.name() + " has no model at " + e.dir());
        }
        if (Files.isRegularFile(e.dir().resolve(Checkpoints.CHECKSUMS))) {
            try {
                Checkpoints.verify(e.dir());
            } catch (IOException ex) {
                throw new RunFailure("Checkpoint " + e.name() + " is damaged: " + ex.getMessage());
            }
        }
        return e;
    }

    /** The checkpoint a {@code type} run starts from (or samples with): usable, and of a kind the lineage allows. */
    public Entry usableFor(RunType type, Long id, String whenMissing) {
        if (id == null) {
            throw new RunFailure(whenMissing);
        }
        Entry e = usable(id);
        RunInputs.checkStart(type, e.kind()).ifPresent(problem -> {
            throw new RunFailure(e.name() + ": " + problem);
        });
        return e;
    }

    /** A usable reward model: PPO's reward, or an AI-feedback round's judge. */
    public Entry usableRewardModel(Long id, String whenMissing) {
        if (id == null) {
            throw new RunFailure(whenMissing);
        }
        Entry e = usable(id);
        if (e.kind() != CheckpointKind.REWARD) {
            throw new RunFailure(e.name() + " is a " + e.kind() + " checkpoint, not a reward model");
        }
        return e;
    }

    /**
     * The shipped base model, registered once as the BASE checkpoint "base". It is copied (atomically, with
     * {@code SHA256SUMS}) to {@code models/base} under the checkpoint root first, so that it lies where every other
     * checkpoint lies: on the volume labeling-web offers downloads from, and safe from changes to the source tree.
     */
    public Optional<Long> registerBase(Path baseModel, Path checkpointRoot) {
        Optional<Long> existing = jdbc.sql(
                        "SELECT id FROM model_checkpoint WHERE name = 'base' AND kind = 'BASE' AND status = 'READY'")
                .query(Long.class)
                .optional();
        if (existing.isPresent() || !Files.isRegularFile(baseModel.resolve("config.json"))) {
            return existing;
        }
        Path copy = checkpointRoot.resolve("models").resolve("base");
        try {
            Checkpoints.writeAtomically(copy, tmp -> copyFiles(baseModel, tmp, List.of(Checkpoints.CHECKSUMS)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the base model to " + copy, e);
        }
        return insertReadyBase("base", copy, Map.of("source", baseModel.toString()));
    }

    /**
     * Registers a complete model directory (written with {@link Checkpoints#writeAtomically}) as a READY BASE
     * checkpoint named {@code name}; empty when that name is taken.
     */
    Optional<Long> insertReadyBase(String name, Path dir, Map<String, ?> metrics) {
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path, sha256, size_bytes, metrics)
                        VALUES (:name, 'BASE', 'READY', :path, :sha, :size, CAST(:metrics AS jsonb))
                        ON CONFLICT (name) DO NOTHING RETURNING id
                        """)
                .param("name", name)
                .param("path", dir.toString())
                .param("sha", weightsSha(dir))
                .param("size", sizeOf(dir))
                .param("metrics", JSON.writeValueAsString(finite(metrics)))
                .query(Long.class)
                .optional();
    }

    /** The regular files of a model folder (not its subfolders) but the ones named in {@code skip}. */
    static void copyFiles(Path from, Path to, List<String> skip) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!skip.contains(f.getFileName().toString())) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    /**
     * Registers the output of run {@code runId} as WRITING at {@code dir}; its name gets the run number when already
     * taken. A resumed run reuses the row its earlier attempt registered. A worker calls it inside its fence
     * ({@link RunFence}), as {@link TrainingJobs#publish} does, so that a worker that lost the run registers nothing.
     */
    public long startWriting(
            long runId,
            String name,
            CheckpointKind kind,
            Long parentId,
            Long referencePolicyId,
            Long rewardModelId,
            Path dir) {
        Optional<Long> earlier = jdbc.sql("SELECT id FROM model_checkpoint WHERE training_run_id = :run")
                .param("run", runId)
                .query(Long.class)
                .optional();
        if (earlier.isPresent()) {
            jdbc.sql("UPDATE model_checkpoint SET status = 'WRITING', storage_path = :path WHERE id = :id")
                    .param("path", dir.toString())
                    .param("id", earlier.get())
                    .update();
            return earlier.get();
        }
        boolean taken = jdbc.sql("SELECT count(*) FROM model_checkpoint WHERE name = :name")
                        .param("name", name)
                        .query(Long.class)
                        .single()
                > 0;
        return jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, parent_id, reference_policy_id, reward_model_id,
                                                      status, storage_path, training_run_id)
                        VALUES (:name, :kind, :parent, :reference, :reward, 'WRITING', :path, :run)
                        RETURNING id
                        """)
                .param("name", taken ? name + "-run-" + runId : name)
                .param("kind", kind.name())
                .param("parent", parentId)
                .param("reference", referencePolicyId)
                .param("reward", rewardModelId)
                .param("path", dir.toString())
                .param("run", runId)
                .query(Long.class)
                .single();
    }

    /**
     * Checks the written directory (its SHA256SUMS) and measures it: what {@link #markReady} stores. Apart from it, so
     * that reading the files happens outside the fenced transaction that registers them.
     */
    public Verified verify(Path dir) {
        try {
            Checkpoints.verify(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Verified(dir, weightsSha(dir), sizeOf(dir));
    }

    /** A complete checkpoint directory, its weights' SHA-256 and its size. */
    record Verified(Path dir, String sha256, long sizeBytes) {}

    /**
     * The directory is complete (verified): the checkpoint is READY and listed, with its metrics. Inside the run's
     * fence like {@link #startWriting}; only the directory the registry names for it counts.
     */
    public void markReady(long id, Verified written, Map<String, ?> metrics) {
        jdbc.sql("""
                        UPDATE model_checkpoint SET status = 'READY', sha256 = :sha, size_bytes = :size,
                               metrics = CAST(:metrics AS jsonb)
                        WHERE id = :id AND storage_path = :path
                        """)
                .param("sha", written.sha256())
                .param("size", written.sizeBytes())
                .param("metrics", JSON.writeValueAsString(finite(metrics)))
                .param("id", id)
                .param("path", written.dir().toString())
                .update();
    }

    /** JSON has no NaN: a metric not measured (no validation pairs, say) is stored as null. */
    private static Map<String, Object> finite(Map<String, ?> metrics) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        metrics.forEach((name, value) ->
                out.put(name, value instanceof Double d && !Double.isFinite(d) ? null : value));
        return out;
    }

    /** WRITING checkpoints of runs that are no longer running were abandoned by a dead worker: FAILED, never listed. */
    public int failAbandoned() {
        return jdbc.sql("""
                        UPDATE model_checkpoint c SET status = 'FAILED'
                        WHERE c.status = 'WRITING' AND NOT EXISTS (
                            SELECT 1 FROM training_run r WHERE r.id = c.training_run_id
                              AND r.status IN ('RUNNING', 'CANCEL_REQUESTED', 'QUEUED'))
                        """).update();
    }

    private static String weightsSha(Path dir) {
        try {
            // A sharded checkpoint is named by its index; the folder's SHA256SUMS covers every shard.
            Path weights = Files.isRegularFile(dir.resolve(HfCheckpoint.WEIGHTS_FILE))
                    ? dir.resolve(HfCheckpoint.WEIGHTS_FILE)
                    : dir.resolve(HfCheckpoint.INDEX_FILE);
            return Files.isRegularFile(weights) ? Checkpoints.sha256(weights) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
