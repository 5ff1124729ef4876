package org.instructforge.training.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where registered checkpoints live, so that workers on several hosts can load them: a folder on a volume every
 * worker mounts ({@link FileCheckpointStore}), or an S3-compatible object store ({@link S3CheckpointStore}). The
 * unit is a sealed checkpoint folder, written locally by {@code Checkpoints.writeAtomically} with a
 * {@code SHA256SUMS} that names every file; the store keeps that manifest with the files and checks every file
 * against it on the way in and on the way out. The registry lists a checkpoint only after {@link #put} returned:
 * a put that throws leaves nothing to register.
 */
public interface CheckpointStore {

    /**
     * Stores the sealed folder {@code dir} under {@code key} (such as {@code models/sft-run-3-...}), replacing what
     * was there, and checks that every stored file matches its SHA-256 in the folder's {@code SHA256SUMS}.
     *
     * @return the location to register in {@code model_checkpoint.storage_path}
     * @throws IOException when {@code dir} is not a whole checkpoint or any file did not arrive whole
     */
    String put(Path dir, String key) throws IOException;

    /**
     * A folder on this host holding the checkpoint at {@code location}, checked against its {@code SHA256SUMS}.
     * A folder without one (registered before checkpoints were sealed) is answered as it is.
     */
    Path fetch(String location) throws IOException;

    /** Throws when a file of the checkpoint at {@code location} is missing or differs from its SHA-256. */
    void verify(String location) throws IOException;

    /** Removes the checkpoint at {@code location}; a no-op when nothing is there. */
    void delete(String location) throws IOException;

    /**
     * Whether anything is stored under {@code key}, so that a new checkpoint can pick a key that {@link #put} will
     * not replace ({@code forge import} of a second model with the same folder name).
     */
    boolean holds(String key) throws IOException;

    /**
     * Removes what an upload under {@code key} that never finished left behind (a worker that died during {@link
     * #put}), once its checkpoint is FAILED. On the shared volume nothing: the folder there is the run's own output,
     * written whole or not at all, and stays as it always has.
     */
    void discard(String key) throws IOException;
}
