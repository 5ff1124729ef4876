package org.instructforge.training.toolbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.instructforge.shared.checkpoint.CheckpointManifest;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.rlhf.SftTrainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training checkpoints on disk: {@code ROOT/step-000120/}, each written into a hidden temporary sibling, sealed with
 * a {@code SHA256SUMS} file and renamed into place in one atomic step. A run killed while writing leaves only a
 * temporary folder, which is never listed and is removed by the next write, so a resumed run always starts from a
 * whole checkpoint.
 */
public final class Checkpoints {

    public static final String CHECKSUMS = CheckpointManifest.FILE;
    /** The subfolder of a trainer's output folder that holds its step checkpoints. */
    public static final String FOLDER = "checkpoints";
    /** The trainer's own counters (step, KL coefficient, best score...) next to the weights. */
    public static final String STATE = "trainer_state.json";

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final String PREFIX = "step-";
    private static final String TEMPORARY = ".tmp-";

    /** Fills a directory; may throw, in which case nothing is published. */
    @FunctionalInterface
    public interface Writer {
        void write(Path dir) throws IOException;
    }

    private Checkpoints() {}

    public static Path stepDir(Path root, int step) {
        return root.resolve(String.format("%s%06d", PREFIX, step));
    }

    public static void writeState(Path dir, Map<String, Object> state) throws IOException {
        JSON.writeValue(dir.resolve(STATE).toFile(), state);
    }

    public static JsonNode readState(Path dir) throws IOException {
        Path file = dir.resolve(STATE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("Checkpoint " + dir + " has no " + STATE);
        }
        return JSON.readTree(file.toFile());
    }

    /**
     * Picks a one-model trainer's run up at its newest checkpoint: checks the checksums, loads the optimizer moments
     * ({@link SftTrainer#OPTIMIZER}) and tells the metrics that points recorded after the checkpoint are obsolete.
     * The model's weights come from {@code dir} as the trainer loads it; the trainer reads its counters from the
     * returned state ({@code step}, and its own).
     */
    public static JsonNode resume(Path dir, AdamW optimizer, String stage, MetricSink metrics, PrintStream log)
            throws IOException {
        verify(dir);
        optimizer.load(dir.resolve(SftTrainer.OPTIMIZER));
        JsonNode state = readState(dir);
        int step = state.path("step").asInt();
        metrics.resumedAt(stage, step);
        log.printf("%s: resuming at step %d from %s%n", stage, step, dir);
        return state;
    }

    /** Step number of a {@link #stepDir} name. */
    public static int stepOf(Path dir) {
        return Integer.parseInt(dir.getFileName().toString().substring(PREFIX.length()));
    }

    /** Writes {@code target} atomically: replaced whole if it exists, never seen half-written. */
    public static Path writeAtomically(Path target, Writer writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String temporary = TEMPORARY + target.getFileName() + "-";
        // Only this target's leftovers: the folder may be shared with other workers writing their own right now.
        removeTemporaries(parent, temporary);
        Path tmp = parent.resolve(temporary + System.nanoTime());
        Files.createDirectories(tmp);
        try {
            writer.write(tmp);
            writeChecksums(tmp);
            if (Files.exists(target)) {
                deleteRecursively(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            return target;
        } finally {
            if (Files.exists(tmp)) {
                deleteRecursively(tmp);
            }
        }
    }

    /**
     * Copies the sealed folder {@code source} to {@code target} atomically, every file checked against the source's
     * {@code SHA256SUMS} as it lands: a source that is incomplete, or replaced or removed while it is read (another
     * process still writing its own folder), throws and publishes nothing.
     */
    public static Path copyVerified(Path source, Path target) throws IOException {
        verify(source);
        Map<String, String> sums =
                CheckpointManifest.parse(Files.readAllLines(source.resolve(CHECKSUMS), StandardCharsets.UTF_8));
        return writeAtomically(target, tmp -> {
            for (Map.Entry<String, String> entry : sums.entrySet()) {
                Path copy = tmp.resolve(entry.getKey());
                Files.createDirectories(copy.getParent());
                Files.copy(source.resolve(entry.getKey()), copy);
                if (!sha256(copy).equals(entry.getValue())) {
                    throw new IOException("Copy of " + source + ": " + entry.getKey() + " changed while it was read");
                }
            }
        });
    }

    /** Saves a model (HF layout, tokenizer copied from {@code tokenizerSource}) atomically to {@code dir}. */
    public static Path saveModel(CausalLm model, Path dir, Path tokenizerSource) throws IOException {
        return writeAtomically(dir, tmp -> HfCheckpoint.save(model, tmp, tokenizerSource));
    }

    /** The newest complete step checkpoint under root, if any (temporary folders never count). */
    public static Optional<Path> latest(Path root) throws IOException {
        return stepDirs(root).stream().reduce((a, b) -> b);
    }

    /** Step checkpoints under root, oldest first. */
    public static List<Path> stepDirs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve(CHECKSUMS)))
                    .sorted(Comparator.comparingInt(Checkpoints::stepOf))
                    .toList();
        }
    }

    /** Deletes all but the newest {@code keep} step checkpoints. */
    public static void keepLast(Path root, int keep) throws IOException {
        List<Path> dirs = stepDirs(root);
        for (int i = 0; i < dirs.size() - keep; i++) {
            deleteRecursively(dirs.get(i));
        }
    }

    /** Throws when a file listed in SHA256SUMS is missing or differs (a corrupted or tampered checkpoint). */
    public static void verify(Path dir) throws IOException {
        Path sums = dir.resolve(CHECKSUMS);
        if (!Files.isRegularFile(sums)) {
            throw new IOException(dir + " is not a complete checkpoint: no " + CHECKSUMS);
        }
        for (Map.Entry<String, String> entry : CheckpointManifest.parse(
                        Files.readAllLines(sums, StandardCharsets.UTF_8))
                .entrySet()) {
            String name = entry.getKey();
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file) || !sha256(file).equals(entry.getValue())) {
                throw new IOException("Checkpoint " + dir + ": " + name + " is missing or does not match its checksum");
            }
        }
    }

    /** {@code sha256sum}-compatible lines for every file below dir (relative paths, sorted). */
    private static void writeChecksums(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                lines.add(sha256(f) + "  " + dir.relativize(f).toString().replace('\\', '/'));
            }
        }
        Files.write(dir.resolve(CHECKSUMS), lines, StandardCharsets.UTF_8);
    }

    public static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256", new byte[0]);
    }

    /** The hex digest of {@code prefix} followed by the file's bytes (git's blob ids hash a header first). */
    public static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(prefix);
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeTemporaries(Path parent, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p :
                    s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                deleteRecursively(p);
            }
        }
    }

    /** Removes a folder and everything in it (a no-op when it does not exist). */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
