package org.instructforge.training.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.instructforge.training.toolbox.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link CheckpointStore} promises, run against each implementation: a stored checkpoint comes back with
 * every file intact, a damaged or incomplete one is refused, a folder that does not match its own SHA256SUMS is never
 * stored, a second put replaces the first, and keys cannot leave the store.
 */
abstract class CheckpointStoreContract {

    @TempDir
    Path work;

    /** The store under test, fresh for each test. */
    abstract CheckpointStore store() throws Exception;

    /** Replaces a stored file's bytes behind the store's back (a damaged disk, a tampering hand). */
    abstract void overwrite(String location, String name, byte[] bytes) throws Exception;

    /** Removes a stored file behind the store's back. */
    abstract void remove(String location, String name) throws Exception;

    /** Whether anything at all is stored under {@code key}. */
    abstract boolean holdsAnything(String key) throws Exception;

    /** A sealed checkpoint folder as a trainer writes one: config, tokenizer, weights, and one nested file. */
    Path checkpoint(String name, long seed) throws IOException {
        byte[] weights = new byte[300_000];
        new Random(seed).nextBytes(weights);
        return Checkpoints.writeAtomically(work.resolve("written").resolve(name), dir -> {
            Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\",\"seed\":" + seed + "}");
            Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");
            Files.write(dir.resolve("model.safetensors"), weights);
            Files.createDirectories(dir.resolve("extra"));
            Files.writeString(dir.resolve("extra").resolve("notes.txt"), "seed " + seed);
        });
    }

    @Test
    void aStoredCheckpointIsFetchedWithEveryFileIntact() throws Exception {
        CheckpointStore store = store();
        Path written = checkpoint("sft-run-1", 1);

        String location = store.put(written, "models/sft-run-1");
        store.verify(location);
        Path fetched = store.fetch(location);

        for (String name : new String[] {
            "config.json", "tokenizer.json", "model.safetensors", "extra/notes.txt", Checkpoints.CHECKSUMS
        }) {
            assertThat(fetched.resolve(name)).hasSameBinaryContentAs(written.resolve(name));
        }
        Checkpoints.verify(fetched);
    }

    @Test
    void aCheckpointWhoseStoredFileChangedIsRefused() throws Exception {
        CheckpointStore store = store();
        String location = store.put(checkpoint("reward-run-2", 2), "models/reward-run-2");

        overwrite(location, "model.safetensors", "not the weights".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.verify(location))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors");
        assertThatThrownBy(() -> store.fetch(location))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void aCheckpointMissingAFileIsRefused() throws Exception {
        CheckpointStore store = store();
        String location = store.put(checkpoint("ppo-run-3", 3), "models/ppo-run-3");

        remove(location, "tokenizer.json");

        assertThatThrownBy(() -> store.verify(location))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer.json");
        assertThatThrownBy(() -> store.fetch(location)).isInstanceOf(IOException.class);
    }

    @Test
    void aFolderThatDoesNotMatchItsChecksumsIsNeverStored() throws Exception {
        CheckpointStore store = store();
        Path written = checkpoint("dpo-run-4", 4);
        Files.writeString(written.resolve("config.json"), "{\"changed\":\"after sealing\"}");

        assertThatThrownBy(() -> store.put(written, "models/dpo-run-4"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("config.json");
        assertThat(holdsAnything("models/dpo-run-4")).isFalse();
    }

    @Test
    void aSecondPutUnderTheSameKeyReplacesTheFirst() throws Exception {
        CheckpointStore store = store();
        Path first = checkpoint("first", 5);
        Files.writeString(first.resolve("left-over.txt"), "only in the first");
        Checkpoints.writeAtomically(work.resolve("resealed"), dir -> {
            try (var files = Files.walk(first)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (!f.getFileName().toString().equals(Checkpoints.CHECKSUMS)) {
                        Path copy = dir.resolve(first.relativize(f).toString());
                        Files.createDirectories(copy.getParent());
                        Files.copy(f, copy);
                    }
                }
            }
        });
        store.put(work.resolve("resealed"), "models/sft-run-6");
        Path second = checkpoint("second", 6);

        String location = store.put(second, "models/sft-run-6");
        Path fetched = store.fetch(location);

        assertThat(fetched.resolve("model.safetensors")).hasSameBinaryContentAs(second.resolve("model.safetensors"));
        assertThat(fetched.resolve("left-over.txt")).doesNotExist();
        store.verify(location);
    }

    @Test
    void deleteRemovesTheCheckpoint() throws Exception {
        CheckpointStore store = store();
        String location = store.put(checkpoint("sft-run-7", 7), "models/sft-run-7");

        store.delete(location);

        assertThat(holdsAnything("models/sft-run-7")).isFalse();
        assertThatThrownBy(() -> store.verify(location)).isInstanceOf(IOException.class);
        store.delete(location); // nothing left: a no-op
    }

    @Test
    void holdsSaysWhetherAKeyIsTakenSoThatANewCheckpointCanAvoidIt() throws Exception {
        CheckpointStore store = store();
        assertThat(store.holds("models/sft-run-14")).isFalse();

        String location = store.put(checkpoint("sft-run-14", 14), "models/sft-run-14");

        assertThat(store.holds("models/sft-run-14")).isTrue();
        assertThat(store.holds("models/sft-run-1")).isFalse(); // a key that begins another is not taken by it
        store.delete(location);
        assertThat(store.holds("models/sft-run-14")).isFalse();
    }

    @Test
    void aKeyThatWouldLeaveTheStoreIsRefused() throws Exception {
        CheckpointStore store = store();
        Path written = checkpoint("escape", 8);

        assertThatThrownBy(() -> store.put(written, "../outside")).isInstanceOf(IllegalArgumentException.class);
    }
}
