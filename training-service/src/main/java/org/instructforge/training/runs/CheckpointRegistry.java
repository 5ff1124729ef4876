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
import org.instructforge.shared.checkpoint.S3Location;
import org.instructforge.shared.memory.ModelShape;
import org.instructforge.shared.run.RunInputs;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.ModelArchitectures;
import org.instructforge.training.storage.CheckpointStore;
import org.instructforge.training.toolbox.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checkpoint registry ({@code model_checkpoint}) as the worker writes it. A checkpoint is registered WRITING
 * before its directory is written (temporary folder, SHA256SUMS, atomic rename: {@link Checkpoints#writeAtomically})
 * and becomes READY only once the directory verifies, so the dashboard never lists a half-written one; a worker that
 * dies in between leaves a WRITING row that {@link #failAbandoned} marks FAILED. The sealed directory is then put
 * in the {@link CheckpointStore} (the shared volume, where it already lies, or an object store) and READY only once
 * the store has verified it; a run loads a checkpoint from the store's local copy ({@link #usable}).
 */
@Component
class CheckpointRegistry {

    /** A registered checkpoint: where its HF-layout directory is on this host. */
    record Entry(
            long id, String name, CheckpointKind kind, CheckpointStatus status, Path dir, Long referencePolicyId) {}

    /** A registry row: {@code location} is its {@code storage_path}, a folder or an object-store location. */
    private record Row(
            long id,
            String name,
            CheckpointKind kind,
            CheckpointStatus status,
            String location,
            Long referencePolicyId) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(CheckpointRegistry.class);

    private final JdbcClient jdbc;
    private final CheckpointStore store;

    CheckpointRegistry(JdbcClient jdbc, CheckpointStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    private Row get(long id) {
        return jdbc.sql("SELECT id, name, kind, status, storage_path, reference_policy_id FROM model_checkpoint"
                        + " WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> new Row(
                        rs.getLong(1),
                        rs.getString(2),
                        CheckpointKind.valueOf(rs.getString(3)),
                        CheckpointStatus.valueOf(rs.getString(4)),
                        rs.getString(5),
                        (Long) rs.getObject(6)))
                .optional()
                .orElseThrow(() -> new RunFailure("Checkpoint " + id + " does not exist"));
    }

    /**
     * A READY checkpoint whose directory is on this host (fetched from the store, on an object store into the local
     * cache) and verifies, or a clear failure.
     */
    public Entry usable(long id) {
        Row r = get(id);
        if (r.status() != CheckpointStatus.READY) {
            throw new RunFailure("Checkpoint " + r.name() + " is " + r.status() + ", not READY");
        }
        Path dir;
        try {
            dir = store.fetch(r.location());
        } catch (IOException ex) {
            throw new RunFailure("Checkpoint " + r.name() + " is damaged or unreachable: " + ex.getMessage());
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new RunFailure("Checkpoint " + r.name() + " has no model at " + r.location());
        }
        return new Entry(r.id(), r.name(), r.kind(), r.status(), dir, r.referencePolicyId());
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
        String location = store(dir);
        Optional<Long> id = jdbc.sql("""
                        INSERT INTO model_checkpoint (name, kind, status, storage_path, sha256, size_bytes, metrics)
                        VALUES (:name, 'BASE', 'READY', :path, :sha, :size, CAST(:metrics AS jsonb))
                        ON CONFLICT (name) DO NOTHING RETURNING id
                        """)
                .param("name", name)
                .param("path", location)
                .param("sha", weightsSha(dir))
                .param("size", sizeOf(dir))
                .param("metrics", JSON.writeValueAsString(finite(metrics)))
                .query(Long.class)
                .optional();
        id.ifPresentOrElse(registered -> recordShape(registered, dir), () -> {
            if (S3Location.isObjectStore(location)) {
                // Someone took the name meanwhile: what was uploaded for it belongs to no checkpoint.
                try {
                    store.delete(location);
                } catch (IOException e) {
                    log.warn("{}: {} belongs to no checkpoint and could not be removed: {}", name, location, e);
                }
            }
        });
        return id;
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
     * The directory is complete (verified) and whole in the checkpoint store at {@code location} ({@link #store}): the
     * checkpoint is READY and listed there, with its metrics. Inside the run's fence like {@link #startWriting}, so a
     * worker that lost its run registers nothing; the folder is its attempt's own (TrainingJobs names it so).
     */
    public void markReady(long id, Verified written, String location, Map<String, ?> metrics) {
        jdbc.sql("""
                        UPDATE model_checkpoint SET status = 'READY', storage_path = :location, sha256 = :sha,
                               size_bytes = :size, metrics = CAST(:metrics AS jsonb)
                        WHERE id = :id AND status = 'WRITING'
                        """)
                .param("location", location)
                .param("sha", written.sha256())
                .param("size", written.sizeBytes())
                .param("metrics", JSON.writeValueAsString(finite(metrics)))
                .param("id", id)
                .update();
        recordShape(id, written.dir());
    }

    /**
     * Records the checkpoint's architecture and the numbers of its config.json that size a run (V069), so that the
     * dashboard shows them and estimates a run's memory ({@code RunMemory}) from the database alone.
     */
    boolean recordShape(long id, Path dir) {
        ModelShape shape;
        try {
            shape = ModelArchitectures.readConfig(dir).shape();
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "checkpoint {}: cannot read the shape of {} ({}); the dashboard shows it as unknown",
                    id,
                    dir,
                    e.getMessage());
            return false;
        }
        jdbc.sql("""
                        UPDATE model_checkpoint SET architecture = :architecture, parameter_count = :parameters,
                               hidden_size = :hidden, num_layers = :layers, num_heads = :heads,
                               num_kv_heads = :kvHeads, head_dim = :headDim, intermediate_size = :inner,
                               vocab_size = :vocab, max_positions = :positions, tied_embeddings = :tied
                        WHERE id = :id
                        """)
                .param("architecture", shape.architecture())
                .param("parameters", shape.parameters())
                .param("hidden", shape.hiddenSize())
                .param("layers", shape.layers())
                .param("heads", shape.heads())
                .param("kvHeads", shape.kvHeads())
                .param("headDim", shape.headDim())
                .param("inner", shape.intermediateSize())
                .param("vocab", shape.vocabSize())
                .param("positions", shape.maxPositions())
                .param("tied", shape.tiedEmbeddings())
                .param("id", id)
                .update();
        return true;
    }

    /**
     * READY checkpoints registered before their shape was recorded (V069) get it from their config.json; those
     * whose folder is gone stay unknown. Answers how many were filled.
     */
    public int backfillShapes() {
        List<Map.Entry<Long, Path>> missing = jdbc.sql(
                        "SELECT id, storage_path FROM model_checkpoint WHERE status = 'READY' AND hidden_size IS NULL")
                .query((rs, row) -> Map.entry(rs.getLong(1), Path.of(rs.getString(2))))
                .list();
        int filled = 0;
        for (Map.Entry<Long, Path> e : missing) {
            if (Files.isRegularFile(e.getValue().resolve("config.json")) && recordShape(e.getKey(), e.getValue())) {
                filled++;
            }
        }
        return filled;
    }

    /** JSON has no NaN: a metric not measured (no validation pairs, say) is stored as null. */
    private static Map<String, Object> finite(Map<String, ?> metrics) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        metrics.forEach((name, value) ->
                out.put(name, value instanceof Double d && !Double.isFinite(d) ? null : value));
        return out;
    }

    /**
     * WRITING checkpoints of runs that are no longer running were abandoned by a dead worker: FAILED, never listed.
     * What a worker that died during its upload left in the object store goes at that moment ({@link
     * CheckpointStore#discard}): a WRITING row still names the attempt's own folder on the worker's host, and the
     * upload went to {@code models/} and that folder's name, as {@link #store} puts it.
     */
    public int failAbandoned() {
        List<String> abandoned = jdbc.sql("""
                        UPDATE model_checkpoint c SET status = 'FAILED'
                        WHERE c.status = 'WRITING' AND NOT EXISTS (
                            SELECT 1 FROM training_run r WHERE r.id = c.training_run_id
                              AND r.status IN ('RUNNING', 'CANCEL_REQUESTED', 'QUEUED'))
                        RETURNING c.storage_path
                        """).query(String.class).list();
        for (String folder : abandoned) {
            if (S3Location.isObjectStore(folder)) {
                continue; // never the case for a WRITING row: it gets its store's location only as it turns READY
            }
            String key = "models/" + Path.of(folder).getFileName();
            try {
                store.discard(key);
            } catch (IOException | RuntimeException e) {
                log.warn("{}: what an abandoned upload left under {} could not be removed: {}", folder, key, e);
            }
        }
        return abandoned.size();
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

    // ---- The checkpoint store: kept apart from the row's life cycle above ----

    /**
     * Puts a sealed directory under {@code models/} into the checkpoint store and answers where it is there, for
     * {@link #markReady}. The store verifies every file before this returns, and a put that throws leaves the row
     * WRITING (FAILED once the run ends), so a checkpoint is never READY before it is whole in the store. Outside any
     * transaction: an upload must not hold the run's row locked.
     */
    public String store(Path dir) {
        try {
            return store.put(dir, "models/" + dir.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
