package org.instructforge.shared.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The command line reads the same variables as the services' application.yml, with the same defaults and checks. */
class CheckpointStorePropertiesTest {

    @Test
    void withNothingSetTheStoreIsTheSharedVolume() {
        CheckpointStoreProperties settings = CheckpointStoreProperties.fromEnvironment(name -> null);

        assertThat(settings.objectStore()).isFalse();
        assertThat(settings.pathStyle()).isTrue();
        assertThat(settings.partSize()).isEqualTo(DataSize.ofMegabytes(64));
    }

    @Test
    void readsEveryObjectStoreVariable() {
        Map<String, String> env = Map.of(
                "INSTRUCTFORGE_CHECKPOINT_STORE", " S3 ",
                "INSTRUCTFORGE_S3_BUCKET", "checkpoints",
                "INSTRUCTFORGE_S3_PREFIX", "forge/",
                "INSTRUCTFORGE_S3_ENDPOINT", "http://minio:9000",
                "INSTRUCTFORGE_S3_REGION", "eu-west-1",
                "INSTRUCTFORGE_S3_PATH_STYLE", "false",
                "INSTRUCTFORGE_S3_PART_SIZE", "128MB",
                "INSTRUCTFORGE_CHECKPOINT_CACHE_DIR", "/var/cache/forge");

        CheckpointStoreProperties settings = CheckpointStoreProperties.fromEnvironment(env::get);

        assertThat(settings)
                .isEqualTo(new CheckpointStoreProperties(
                        "s3",
                        "checkpoints",
                        "forge/",
                        "http://minio:9000",
                        "eu-west-1",
                        false,
                        "/var/cache/forge",
                        DataSize.ofMegabytes(128)));
        assertThat(settings.objectStore()).isTrue();
    }

    @Test
    void refusesAnObjectStoreWithoutABucketAndPartsS3WouldRefuse() {
        assertThatThrownBy(() ->
                        CheckpointStoreProperties.fromEnvironment(Map.of("INSTRUCTFORGE_CHECKPOINT_STORE", "s3")::get))
                .hasMessageContaining("needs instructforge.checkpoints.bucket");
        assertThatThrownBy(() ->
                        CheckpointStoreProperties.fromEnvironment(Map.of("INSTRUCTFORGE_S3_PART_SIZE", "4MB")::get))
                .hasMessageContaining("between 5MB and 5GB");
        assertThatThrownBy(() ->
                        CheckpointStoreProperties.fromEnvironment(Map.of("INSTRUCTFORGE_S3_PART_SIZE", "6GB")::get))
                .hasMessageContaining("between 5MB and 5GB");
    }
}
