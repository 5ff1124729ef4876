package org.instructforge.training.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shared-volume store: folders under the checkpoint root. */
class FileCheckpointStoreTest extends CheckpointStoreContract {

    Path root() {
        return work.resolve("checkpoints");
    }

    @Override
    CheckpointStore store() {
        return new FileCheckpointStore(root());
    }

    @Override
    void overwrite(String location, String name, byte[] bytes) throws IOException {
        Files.write(Path.of(location).resolve(name), bytes);
    }

    @Override
    void remove(String location, String name) throws IOException {
        Files.delete(Path.of(location).resolve(name));
    }

    @Override
    boolean holdsAnything(String key) {
        return Files.exists(root().resolve(key));
    }

    @Test
    void aFolderWrittenInPlaceIsRegisteredWhereItLies() throws Exception {
        Path inPlace = root().resolve("models").resolve("sft-run-9");
        Files.createDirectories(inPlace.getParent());
        Files.move(checkpoint("sft-run-9", 9), inPlace);

        String location = store().put(inPlace, "models/sft-run-9");

        assertThat(location).isEqualTo(inPlace.toAbsolutePath().toString());
        assertThat(store().fetch(location)).isEqualTo(inPlace.toAbsolutePath());
    }

    @Test
    void anObjectStoreLocationIsRefusedWithTheSettingToChange() {
        assertThatThrownBy(() -> store().fetch("s3://bucket/models/sft-run-1/"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("instructforge.checkpoints.store=s3");
    }
}
