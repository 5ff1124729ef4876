package org.instructforge.shared.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reading checkpoint folders kept in an S3-compatible object store (Amazon S3, MinIO, Ceph RGW) by their registered
 * location ({@link S3Location}): the manifest, which names the checkpoint's files, and each file as a stream. Both
 * services read checkpoints this way: the training service to load one into its cache, labeling-web to zip one into
 * a download without keeping it in memory or on disk. Writing (upload, read-back, deletion) is the training
 * service's alone.
 */
public final class S3CheckpointObjects implements AutoCloseable {

    /** S3's smallest part of a multipart upload (all but the last) and its largest single PUT. */
    public static final long SMALLEST_PART = 5L << 20;

    public static final long LARGEST_PUT = 5L << 30;

    /** The part size of multipart uploads unless configured: 80 parts for a 5 GiB file, 10,000 parts for 625 GiB. */
    public static final long DEFAULT_PART_SIZE = 64L << 20;

    private final S3Client s3;

    public S3CheckpointObjects(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * A client for the store: the standard AWS credential chain ({@code AWS_ACCESS_KEY_ID} and
     * {@code AWS_SECRET_ACCESS_KEY}, the {@code aws.accessKeyId} and {@code aws.secretAccessKey} system properties,
     * {@code ~/.aws/credentials}, instance roles...). The JDK's HttpURLConnection carries the requests.
     *
     * <p>S3's newer {@code x-amz-checksum-*} headers and trailers are sent only where an operation requires them:
     * stores that lack them, S3Proxy among them, refuse the request. Over plain HTTP each PUT still carries its
     * body's SHA-256 in its signature ({@code x-amz-content-sha256}), which the store checks.
     *
     * @param endpoint the store's URL for MinIO or Ceph ({@code http://minio:9000}); null for Amazon S3
     * @param region the signing region; null for the standard chain ({@code AWS_REGION}...), else us-east-1, which
     *     MinIO and Ceph accept
     * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}: MinIO and Ceph
     *     are usually reached this way
     */
    public static S3Client client(String endpoint, String region, boolean pathStyle) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .forcePathStyle(pathStyle)
                .region(region == null || region.isBlank() ? defaultRegion() : Region.of(region));
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private static Region defaultRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            return Region.US_EAST_1;
        }
    }

    /** The client, for the training service's uploads and deletions. */
    public S3Client s3() {
        return s3;
    }

    /**
     * The bytes of the checkpoint's {@code SHA256SUMS}; a location without one holds no checkpoint (a
     * {@link NoSuchFileException}, as for a missing file).
     */
    public byte[] manifest(S3Location at) throws IOException {
        try {
            return call(() -> s3.getObjectAsBytes(r -> r.bucket(at.bucket()).key(at.key(CheckpointManifest.FILE))))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("No checkpoint at " + at + ": it has no " + CheckpointManifest.FILE);
        }
    }

    /** The checkpoint's files as its manifest names them, file name to SHA-256, in the manifest's order. */
    public static Map<String, String> files(byte[] manifest) throws IOException {
        return CheckpointManifest.parse(List.of(new String(manifest, StandardCharsets.UTF_8).split("\n")));
    }

    /** The size of one file of the checkpoint; a {@link NoSuchFileException} naming it when it is missing. */
    public long size(S3Location at, String name) throws IOException {
        try {
            return call(() -> s3.headObject(r -> r.bucket(at.bucket()).key(at.key(name))))
                    .contentLength();
        } catch (NoSuchKeyException e) {
            throw missing(at, name);
        } catch (IOException e) {
            // A HEAD has no body to carry S3's error code: a missing object is a bare 404.
            if (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
                throw missing(at, name);
            }
            throw e;
        }
    }

    /**
     * One file of the checkpoint as a stream straight from the store (nothing is buffered beyond the HTTP
     * connection's own buffers); the caller closes it. A {@link NoSuchFileException} naming the file when it is
     * missing.
     */
    public InputStream open(S3Location at, String name) throws IOException {
        try {
            return call(() -> s3.getObject(r -> r.bucket(at.bucket()).key(at.key(name))));
        } catch (NoSuchKeyException e) {
            throw missing(at, name);
        }
    }

    private static IOException missing(S3Location at, String name) {
        return new NoSuchFileException("Checkpoint " + at + ": " + name + " is missing");
    }

    @Override
    public void close() {
        s3.close();
    }

    /** A request to the store. */
    @FunctionalInterface
    public interface Call<T> {
        T run();
    }

    /**
     * A request, its failures (unreachable store, access denied, a checksum the store refused) as IOExceptions like
     * the file system's; only "no such key" stays as it is, for the callers that say which file is missing.
     */
    public static <T> T call(Call<T> request) throws IOException {
        try {
            return request.run();
        } catch (NoSuchKeyException e) {
            throw e;
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
