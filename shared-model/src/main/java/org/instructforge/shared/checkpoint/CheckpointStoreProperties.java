package org.instructforge.shared.checkpoint;

import java.util.Locale;
import java.util.function.UnaryOperator;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where registered checkpoints live. Both services bind it from the same environment variables (their
 * application.yml; {@code forge import} and {@code pull} through {@link #fromEnvironment}): the training service
 * stores checkpoints as {@code store} says, and both read a checkpoint from where its registered location says (a
 * folder, or {@code s3://...} through a client made from these settings). Credentials for the object store come from
 * the standard AWS chain ({@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, the {@code aws.accessKeyId} /
 * {@code aws.secretAccessKey} system properties, {@code ~/.aws/credentials}), never from these settings.
 *
 * @param store {@code file} (default): folders under the checkpoint root, shared between hosts by mounting it;
 *     {@code s3}: an S3-compatible object store (Amazon S3, MinIO, Ceph RGW)
 * @param bucket the bucket (required for {@code s3})
 * @param prefix put before every object key, e.g. {@code instructforge/}; empty for none
 * @param endpoint the store's URL for MinIO or Ceph ({@code http://minio:9000}); empty for Amazon S3
 * @param region the signing region; empty for the standard chain ({@code AWS_REGION}), else us-east-1
 * @param pathStyle address buckets as {@code http://host/bucket} (default true: what MinIO and Ceph expect)
 * @param cacheDir where a worker keeps the checkpoints it fetched from the object store (default: {@code cache}
 *     under the checkpoint root)
 * @param partSize a file larger than this is uploaded in parts of this size (S3's multipart upload; one PUT takes
 *     at most 5 GiB); default 64 MB, at least 5 MB (S3's smallest part), at most 5 GB
 */
@ConfigurationProperties("instructforge.checkpoints")
public record CheckpointStoreProperties(
        String store,
        String bucket,
        String prefix,
        String endpoint,
        String region,
        Boolean pathStyle,
        String cacheDir,
        DataSize partSize) {

    public CheckpointStoreProperties {
        store = store == null || store.isBlank() ? "file" : store.strip().toLowerCase(Locale.ROOT);
        if (!store.equals("file") && !store.equals("s3")) {
            throw new IllegalArgumentException("instructforge.checkpoints.store must be file or s3, not " + store);
        }
        if (store.equals("s3") && (bucket == null || bucket.isBlank())) {
            throw new IllegalArgumentException(
                    "instructforge.checkpoints.store=s3 needs instructforge.checkpoints.bucket");
        }
        prefix = prefix == null ? "" : prefix.strip();
        pathStyle = pathStyle == null || pathStyle;
        partSize = partSize == null ? DataSize.ofBytes(S3CheckpointObjects.DEFAULT_PART_SIZE) : partSize;
        if (partSize.toBytes() < S3CheckpointObjects.SMALLEST_PART
                || partSize.toBytes() > S3CheckpointObjects.LARGEST_PUT) {
            throw new IllegalArgumentException(
                    "instructforge.checkpoints.part-size must be between 5MB and 5GB, not " + partSize);
        }
    }

    /**
     * The settings as the services' application.yml reads them from the environment, for the command line:
     * {@code INSTRUCTFORGE_CHECKPOINT_STORE}, {@code INSTRUCTFORGE_S3_BUCKET}, {@code _PREFIX}, {@code _ENDPOINT},
     * {@code _REGION}, {@code _PATH_STYLE}, {@code _PART_SIZE} and {@code INSTRUCTFORGE_CHECKPOINT_CACHE_DIR}.
     */
    public static CheckpointStoreProperties fromEnvironment(UnaryOperator<String> env) {
        String pathStyle = env.apply("INSTRUCTFORGE_S3_PATH_STYLE");
        String partSize = env.apply("INSTRUCTFORGE_S3_PART_SIZE");
        return new CheckpointStoreProperties(
                env.apply("INSTRUCTFORGE_CHECKPOINT_STORE"),
                env.apply("INSTRUCTFORGE_S3_BUCKET"),
                env.apply("INSTRUCTFORGE_S3_PREFIX"),
                env.apply("INSTRUCTFORGE_S3_ENDPOINT"),
                env.apply("INSTRUCTFORGE_S3_REGION"),
                pathStyle == null || pathStyle.isBlank() ? null : Boolean.parseBoolean(pathStyle.strip()),
                env.apply("INSTRUCTFORGE_CHECKPOINT_CACHE_DIR"),
                partSize == null || partSize.isBlank() ? null : DataSize.parse(partSize.strip()));
    }

    /** Whether checkpoints are stored in the object store. */
    public boolean objectStore() {
        return store.equals("s3");
    }

    /** A client for the object store these settings name ({@link S3CheckpointObjects#client}). */
    public S3Client client() {
        return S3CheckpointObjects.client(endpoint, region, pathStyle);
    }
}
