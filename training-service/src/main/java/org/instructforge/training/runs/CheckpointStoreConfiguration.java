package org.instructforge.training.runs;

import java.nio.file.Path;
import org.instructforge.training.storage.CheckpointStore;
import org.instructforge.training.storage.FileCheckpointStore;
import org.instructforge.training.storage.S3CheckpointStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The checkpoint store this worker registers into and loads from, as {@link CheckpointStoreProperties} choose. */
@Configuration(proxyBeanMethods = false)
class CheckpointStoreConfiguration {

    @Bean
    CheckpointStore checkpointStore(CheckpointStoreProperties checkpoints, RunsProperties runs) {
        if (!checkpoints.objectStore()) {
            return new FileCheckpointStore(runs.checkpointDir());
        }
        Path cache = checkpoints.cacheDir() == null || checkpoints.cacheDir().isBlank()
                ? runs.checkpointDir().resolve("cache")
                : Path.of(checkpoints.cacheDir());
        return new S3CheckpointStore(
                S3CheckpointStore.client(checkpoints.endpoint(), checkpoints.region(), checkpoints.pathStyle()),
                checkpoints.bucket(),
                checkpoints.prefix(),
                cache);
    }
}
