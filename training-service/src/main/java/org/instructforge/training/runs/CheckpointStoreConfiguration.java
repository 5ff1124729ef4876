package org.instructforge.training.runs;

import java.nio.file.Path;
import org.instructforge.shared.checkpoint.CheckpointStoreProperties;
import org.instructforge.training.storage.CheckpointStore;
import org.instructforge.training.storage.FileCheckpointStore;
import org.instructforge.training.storage.S3CheckpointStore;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The checkpoint store this worker registers into and loads from, as {@link CheckpointStoreProperties} choose. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CheckpointStoreProperties.class)
class CheckpointStoreConfiguration {

    @Bean
    CheckpointStore checkpointStore(CheckpointStoreProperties checkpoints, RunsProperties runs) {
        return open(checkpoints, runs.checkpointDir());
    }

    /**
     * The store the settings name, with {@code checkpointRoot} as the file store's root and the default parent of
     * the object store's cache: for the worker, and for {@code forge import} and {@code pull}, which register into
     * the same store.
     */
    static CheckpointStore open(CheckpointStoreProperties checkpoints, Path checkpointRoot) {
        if (!checkpoints.objectStore()) {
            return new FileCheckpointStore(checkpointRoot);
        }
        Path cache = checkpoints.cacheDir() == null || checkpoints.cacheDir().isBlank()
                ? checkpointRoot.resolve("cache")
                : Path.of(checkpoints.cacheDir());
        return new S3CheckpointStore(
                checkpoints.client(),
                checkpoints.bucket(),
                checkpoints.prefix(),
                cache,
                checkpoints.partSize().toBytes());
    }
}
