package org.instructforge.training.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.instructforge.shared.checkpoint.CheckpointStoreProperties;
import org.instructforge.shared.checkpoint.S3Location;
import org.instructforge.shared.db.EmbeddedDatabaseProperties;
import org.instructforge.shared.db.EmbeddedPostgres;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.ModelArchitectures;
import org.instructforge.training.storage.CheckpointStore;
import org.instructforge.training.storage.FileCheckpointStore;
import org.instructforge.training.toolbox.Checkpoints;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face model folder registered as a READY BASE checkpoint, the way the shipped base model is: its files are
 * put (atomically, sealed with {@code SHA256SUMS}) under {@code models/} in the checkpoint root, stored in the
 * checkpoint store the workers use ({@link CheckpointRegistry#store}: on the shared volume they stay where they are; in
 * an object store they are uploaded, read back and verified, and the local copy is removed), then listed in
 * {@code model_checkpoint}. {@code forge import} copies a local folder; {@code forge pull} moves the folder it
 * downloaded. Only the files a run reads are kept ({@link #isRunFile}), and a folder of an architecture this product
 * cannot run is refused before anything is written.
 */
public final class ModelImport implements AutoCloseable {

    /** A registered model; {@code location} is its {@code storage_path}, a folder or an {@code s3://} location. */
    public record Imported(long id, String name, String location, String architecture) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String INDEX = HfCheckpoint.INDEX_FILE;

    private final JdbcClient jdbc;
    private final CheckpointStore store;
    private final CheckpointRegistry registry;
    private final Path checkpointRoot;

    /** Registers into the file store under {@code checkpointRoot}. */
    public ModelImport(JdbcClient jdbc, Path checkpointRoot) {
        this(jdbc, checkpointRoot, new FileCheckpointStore(checkpointRoot));
    }

    /**
     * Registers into {@code store}; {@code checkpointRoot} is where a model is sealed (and {@code forge pull}
     * downloads) on this host before it is stored.
     */
    public ModelImport(JdbcClient jdbc, Path checkpointRoot, CheckpointStore store) {
        this.jdbc = jdbc;
        this.store = store;
        this.registry = new CheckpointRegistry(jdbc, store);
        this.checkpointRoot = checkpointRoot;
    }

    /**
     * The product's database and checkpoint root, found the way the services find them (their application.yml):
     * {@code DB_URL} / {@code DB_USER} / {@code DB_PASSWORD} for an external PostgreSQL, else the embedded one in
     * {@code $INSTRUCTFORGE_DATA_DIR/postgres} on {@code INSTRUCTFORGE_DB_PORT} (attached to when a service runs it,
     * started for this command otherwise); checkpoints under {@code INSTRUCTFORGE_CHECKPOINT_DIR}, default
     * {@code $INSTRUCTFORGE_DATA_DIR/checkpoints}, stored as {@code INSTRUCTFORGE_CHECKPOINT_STORE} and the
     * {@code INSTRUCTFORGE_S3_*} settings say ({@link CheckpointStoreProperties#fromEnvironment}), as the workers store
     * theirs. The schema is brought up to date first, as a service's start would.
     */
    public static ModelImport fromEnvironment(UnaryOperator<String> env) throws IOException {
        try {
            return open(env);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(
                    "cannot open the product's database (" + e.getMessage() + "); start labeling-web "
                            + "once, or set DB_URL, DB_USER and DB_PASSWORD",
                    e);
        }
    }

    private static ModelImport open(UnaryOperator<String> env) {
        String dataDir = valueOr(env, "INSTRUCTFORGE_DATA_DIR", "data");
        DataSource dataSource;
        if (!valueOr(env, "DB_URL", "").isEmpty()) {
            dataSource = new DriverManagerDataSource(
                    env.apply("DB_URL"), valueOr(env, "DB_USER", ""), valueOr(env, "DB_PASSWORD", ""));
        } else {
            int port;
            try {
                port = Integer.parseInt(valueOr(env, "INSTRUCTFORGE_DB_PORT", "54329"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("INSTRUCTFORGE_DB_PORT must be a port number");
            }
            EmbeddedPostgres postgres =
                    EmbeddedPostgres.obtain(new EmbeddedDatabaseProperties(Path.of(dataDir, "postgres"), port, 60));
            dataSource = new DriverManagerDataSource(postgres.jdbcUrl(), postgres.username(), postgres.password());
        }
        Flyway.configure().dataSource(dataSource).load().migrate();
        Path root = Path.of(valueOr(
                env,
                "INSTRUCTFORGE_CHECKPOINT_DIR",
                Path.of(dataDir, "checkpoints").toString()));
        Path checkpointRoot = root.toAbsolutePath().normalize();
        return new ModelImport(
                JdbcClient.create(dataSource),
                checkpointRoot,
                CheckpointStoreConfiguration.open(CheckpointStoreProperties.fromEnvironment(env), checkpointRoot));
    }

    private static String valueOr(UnaryOperator<String> env, String name, String fallback) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** Where checkpoints lie; {@code forge pull} downloads into {@code downloads/} there. */
    public Path checkpointRoot() {
        return checkpointRoot;
    }

    /**
     * The files a run needs from a Hugging Face model folder: config, generation config, tokenizer files, the
     * safetensors weights (one file or shards) and their index. Model cards, PyTorch {@code .bin} weights, ONNX and
     * GGUF exports stay behind.
     */
    public static boolean isRunFile(String name) {
        return name.equals("config.json")
                || name.equals("generation_config.json")
                || name.equals("special_tokens_map.json")
                || name.equals(INDEX)
                || (name.startsWith("tokenizer") && name.endsWith(".json"))
                || name.endsWith(".safetensors");
    }

    /**
     * The {@code model_type} of a {@code config.json}, refused with the supported list when this product cannot run it.
     */
    public static String architectureOf(Path configJson) throws IOException {
        JsonNode config;
        try {
            config = JSON.readTree(configJson.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(configJson + " is not valid JSON");
        }
        String type = config.path("model_type").asString("");
        if (!ModelArchitectures.SUPPORTED.contains(type)) {
            throw new IllegalArgumentException((type.isEmpty()
                            ? configJson + " names no model_type"
                            : "model_type '" + type + "' (" + configJson.getFileName() + ") cannot be run here")
                    + "; supported: " + String.join(", ", ModelArchitectures.SUPPORTED));
        }
        return type;
    }

    /** Checks that {@code dir} holds a runnable model: a supported config, a tokenizer and every weights file. */
    public static String check(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no folder at " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException(dir + " has no config.json (not a Hugging Face model folder)");
        }
        String architecture = architectureOf(dir.resolve("config.json"));
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(dir + " has no tokenizer.json");
        }
        for (String shard : weightFiles(dir)) {
            if (!Files.isRegularFile(dir.resolve(shard))) {
                throw new IllegalArgumentException(dir + " lacks " + shard + ", which " + INDEX + " lists");
            }
        }
        return architecture;
    }

    /** The safetensors files of a folder: the shards its index lists, or {@code model.safetensors}. */
    static List<String> weightFiles(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            List<String> shards = new ArrayList<>();
            JSON.readTree(index.toFile()).path("weight_map").forEach(file -> {
                if (!shards.contains(file.asString())) {
                    shards.add(file.asString());
                }
            });
            if (shards.isEmpty()) {
                throw new IllegalArgumentException(index + " maps no weights");
            }
            return shards;
        }
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new IllegalArgumentException(
                    dir + " has no safetensors weights (model.safetensors or " + INDEX + ")");
        }
        return List.of("model.safetensors");
    }

    /**
     * {@code models/NAME} ('/' as '--', as the Hub's own cache names repositories), numbered when already there, on
     * this host or in the store (whose put would replace what lies under the key).
     */
    private Path freeDir(String name) throws IOException {
        String base = name.replace("/", "--").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = checkpointRoot.resolve("models").resolve(base);
        for (int i = 2; Files.exists(dir) || store.holds("models/" + dir.getFileName()); i++) {
            dir = checkpointRoot.resolve("models").resolve(base + "-" + i);
        }
        return dir;
    }

    /** The checkpoint of that name, if one is registered. */
    public Optional<Long> existing(String name) {
        return jdbc.sql("SELECT id FROM model_checkpoint WHERE name = :name")
                .param("name", name)
                .query(Long.class)
                .optional();
    }

    /**
     * Registers {@code folder} as the BASE checkpoint {@code name}: checked, its run files copied (or moved, when
     * {@code move}) to {@code models/NAME} under the checkpoint root, then listed READY with {@code metrics} and its
     * architecture. A taken name is refused before anything is written.
     */
    public Imported register(Path folder, String name, Map<String, ?> metrics, boolean move) throws IOException {
        String architecture = check(folder);
        Optional<Long> taken = existing(name);
        if (taken.isPresent()) {
            throw new IllegalArgumentException(
                    "a checkpoint named '" + name + "' exists already (id " + taken.get() + "); choose another --name");
        }
        Path dir = freeDir(name);
        Checkpoints.writeAtomically(dir, tmp -> {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String file = f.getFileName().toString();
                    if (isRunFile(file)) {
                        if (move) {
                            Files.move(f, tmp.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                        } else {
                            Files.copy(f, tmp.resolve(file));
                        }
                    }
                }
            }
        });
        Map<String, Object> all = new LinkedHashMap<>(metrics);
        all.put("architecture", architecture);
        Optional<Long> registered;
        try {
            registered = registry.insertReadyBase(name, dir, all);
        } catch (UncheckedIOException e) {
            Checkpoints.deleteRecursively(dir); // the store refused it: nothing was registered
            throw e.getCause();
        }
        long id = registered.orElseThrow(() -> new IllegalArgumentException(
                "a checkpoint named '" + name + "' was registered meanwhile; choose another --name"));
        String location = jdbc.sql("SELECT storage_path FROM model_checkpoint WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        if (S3Location.isObjectStore(location)) {
            // The bucket holds it now: the local copy was only where it was sealed.
            Checkpoints.deleteRecursively(dir);
        }
        return new Imported(id, name, location, architecture);
    }

    @Override
    public void close() {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
