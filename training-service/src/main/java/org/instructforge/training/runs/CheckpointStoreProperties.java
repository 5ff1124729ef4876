package org.instructforge.training.runs;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where registered checkpoints live ({@link org.instructforge.training.storage.CheckpointStore}). Credentials for
 * the object store come from the standard AWS chain ({@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY},
 * the {@code aws.accessKeyId} / {@code aws.secretAccessKey} system properties, {@code ~/.aws/credentials}), never
 * from this file.
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
 */
@ConfigurationProperties("instructforge.checkpoints")
public record CheckpointStoreProperties(
        String store,
        String bucket,
        String prefix,
        String endpoint,
        String region,
        Boolean pathStyle,
        String cacheDir) {

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
    }

    boolean objectStore() {
        return store.equals("s3");
    }
}
