package org.instructforge.training.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.instructforge.shared.checkpoint.CheckpointManifest;
import org.instructforge.shared.checkpoint.S3Location;
import org.instructforge.training.toolbox.Checkpoints;

/**
 * Checkpoints as folders under one root, today's layout: {@code ROOT/models/NAME}. Several hosts share them by
 * mounting the root at the same path (NFS, a cluster file system); the registered location is the folder's absolute
 * path. A folder is copied in with {@link Checkpoints#writeAtomically}, so it appears whole or not at all.
 */
public final class FileCheckpointStore implements CheckpointStore {

    private final Path root;

    public FileCheckpointStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(Path dir, String key) throws IOException {
        Path source = dir.toAbsolutePath().normalize();
        Checkpoints.verify(source);
        Path target = target(key);
        if (!target.equals(source)) {
            Map<String, String> sums = manifest(source);
            // Only the files the manifest names, each checked again once copied; writeAtomically seals the copy
            // with a SHA256SUMS of its own, which therefore lists the same files with the same digests.
            Checkpoints.writeAtomically(target, tmp -> {
                for (Map.Entry<String, String> file : sums.entrySet()) {
                    Path copy = tmp.resolve(file.getKey());
                    Files.createDirectories(copy.getParent());
                    Files.copy(source.resolve(file.getKey()), copy);
                    if (!Checkpoints.sha256(copy).equals(file.getValue())) {
                        throw new IOException(file.getKey() + " changed while it was copied to " + target);
                    }
                }
            });
            Checkpoints.verify(target);
        }
        return target.toString();
    }

    @Override
    public Path fetch(String location) throws IOException {
        Path dir = folder(location);
        if (Files.isRegularFile(dir.resolve(Checkpoints.CHECKSUMS))) {
            Checkpoints.verify(dir);
        }
        return dir;
    }

    @Override
    public void verify(String location) throws IOException {
        Checkpoints.verify(folder(location));
    }

    @Override
    public void delete(String location) throws IOException {
        Checkpoints.deleteRecursively(folder(location));
    }

    @Override
    public void discard(String key) {
        // Checkpoints.writeAtomically leaves no half-written folder to remove: only a temporary one, which the
        // next write into the same parent removes.
    }

    @Override
    public boolean holds(String key) {
        return Files.exists(target(key));
    }

    /** The folder a key names under the root; a key that would leave the root is a programming error. */
    private Path target(String key) {
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("Checkpoint key " + key + " is not a folder under " + root);
        }
        return target;
    }

    /** A registered location as a folder on this host; an object-store location needs the matching store. */
    static Path folder(String location) throws IOException {
        if (S3Location.isObjectStore(location)) {
            throw new IOException("Checkpoint " + location + " lies in an object store, but this worker reads"
                    + " checkpoints from the file system (set instructforge.checkpoints.store=s3)");
        }
        return Path.of(location);
    }

    static Map<String, String> manifest(Path dir) throws IOException {
        return CheckpointManifest.parse(Files.readAllLines(dir.resolve(Checkpoints.CHECKSUMS), StandardCharsets.UTF_8));
    }
}
