package org.instructforge.training.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.instructforge.training.toolbox.Checkpoints;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checkpoints in an S3-compatible object store (Amazon S3, MinIO, Ceph RGW) for workers that share no volume.
 *
 * <p>Putting a folder uploads every file, then {@code SHA256SUMS} last, then reads every object back and compares
 * its SHA-256 with the manifest. Only then does {@link #put} return, so only then is the checkpoint registered; a
 * failed upload removes what it wrote. (Over plain HTTP each PUT also carries the body's SHA-256 in its signature,
 * {@code x-amz-content-sha256}, which the store checks; S3's newer {@code x-amz-checksum-*} headers and trailers are
 * left off because stores that lack them, S3Proxy among them, refuse the request.) The read-back doubles the
 * traffic of a publish, once per checkpoint; in exchange nothing is registered on a store's word alone.
 *
 * <p>A worker on another host loads a checkpoint from a local cache folder named by the SHA-256 of its
 * {@code SHA256SUMS} (which names every file's SHA-256, so it names the whole checkpoint): downloaded once into a
 * temporary sibling, verified, then renamed into place, as {@code Checkpoints.writeAtomically} does on disk.
 */
public final class S3CheckpointStore implements CheckpointStore, AutoCloseable {

    /** S3's largest single PUT; bigger files would need a multipart upload, which this store does not do. */
    static final long LARGEST_PUT = 5L * 1024 * 1024 * 1024;

    private static final String TEMPORARY = ".tmp-";

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path cache;
    /** Locations registered as plain paths (the shipped base model before the switch, say) still load. */
    private final FileCheckpointStore files;

    /**
     * @param prefix put before every key ({@code instructforge/} keeps the checkpoints in one folder of a shared
     *     bucket); empty for none
     * @param cache where fetched checkpoints are kept on this host
     */
    public S3CheckpointStore(S3Client s3, String bucket, String prefix, Path cache) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("An object store for checkpoints needs a bucket");
        }
        this.s3 = s3;
        this.bucket = bucket;
        String p = prefix == null ? "" : prefix.strip().replaceAll("^/+", "");
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.cache = cache.toAbsolutePath().normalize();
        this.files = new FileCheckpointStore(this.cache);
    }

    /**
     * A client for the store: the standard AWS credential chain ({@code AWS_ACCESS_KEY_ID} and
     * {@code AWS_SECRET_ACCESS_KEY}, the {@code aws.accessKeyId} and {@code aws.secretAccessKey} system properties,
     * {@code ~/.aws/credentials}, instance roles...).
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

    @Override
    public String put(Path dir, String key) throws IOException {
        Checkpoints.verify(dir);
        Map<String, String> sums = FileCheckpointStore.manifest(dir);
        S3Location at = new S3Location(bucket, prefix + folderKey(key));
        try {
            // What an earlier put left under this key (a resumed run publishing again) goes first, manifest
            // included, so that the folder ends up holding exactly this manifest's files.
            delete(at);
            for (Map.Entry<String, String> file : sums.entrySet()) {
                upload(dir.resolve(file.getKey()), at.key(file.getKey()));
            }
            Path manifest = dir.resolve(Checkpoints.CHECKSUMS);
            upload(manifest, at.key(Checkpoints.CHECKSUMS));
            verify(at, sums);
        } catch (IOException | SdkException e) {
            try {
                delete(at);
            } catch (IOException | SdkException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException("Checkpoint " + dir + " was not stored at " + at + ": " + e.getMessage(), e);
        }
        return at.toString();
    }

    @Override
    public Path fetch(String location) throws IOException {
        if (!S3Location.isObjectStore(location)) {
            return files.fetch(location);
        }
        S3Location at = S3Location.parse(location);
        byte[] manifest = manifest(at);
        Map<String, String> sums =
                Checkpoints.parseChecksums(List.of(new String(manifest, StandardCharsets.UTF_8).split("\n")));
        Path dir = cache.resolve(sha256(manifest));
        if (Files.isDirectory(dir)) {
            try {
                Checkpoints.verify(dir);
                return dir;
            } catch (IOException damaged) {
                Checkpoints.deleteRecursively(dir); // a damaged cache entry is downloaded again
            }
        }
        Files.createDirectories(cache);
        Path tmp = cache.resolve(TEMPORARY + dir.getFileName() + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            for (String name : sums.keySet()) {
                Path file = tmp.resolve(name);
                Files.createDirectories(file.getParent());
                try {
                    call(() -> s3.getObject(
                            r -> r.bucket(at.bucket()).key(at.key(name)), ResponseTransformer.toFile(file)));
                } catch (NoSuchKeyException e) {
                    throw new IOException("Checkpoint " + at + ": " + name + " is missing");
                }
            }
            Files.write(tmp.resolve(Checkpoints.CHECKSUMS), manifest);
            Checkpoints.verify(tmp);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherWorkerWasFirst) {
                // another worker on this host fetched the same checkpoint meanwhile: same manifest, same files
            }
            return dir;
        } finally {
            Checkpoints.deleteRecursively(tmp);
        }
    }

    @Override
    public void verify(String location) throws IOException {
        if (!S3Location.isObjectStore(location)) {
            files.verify(location);
            return;
        }
        S3Location at = S3Location.parse(location);
        byte[] manifest = manifest(at);
        verify(at, Checkpoints.parseChecksums(List.of(new String(manifest, StandardCharsets.UTF_8).split("\n"))));
    }

    @Override
    public void delete(String location) throws IOException {
        if (!S3Location.isObjectStore(location)) {
            files.delete(location);
            return;
        }
        delete(S3Location.parse(location));
    }

    @Override
    public void close() {
        s3.close();
    }

    private void upload(Path file, String key) throws IOException {
        long size = Files.size(file);
        if (size > LARGEST_PUT) {
            throw new IOException(file.getFileName() + " is " + size + " bytes, more than one S3 PUT takes (5 GiB);"
                    + " save the model in smaller shards");
        }
        call(() -> s3.putObject(r -> r.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(file)));
    }

    /** Every file of the manifest is stored whole: each object read back and hashed. */
    private void verify(S3Location at, Map<String, String> sums) throws IOException {
        for (Map.Entry<String, String> file : sums.entrySet()) {
            String stored;
            try {
                stored = sha256(at, at.key(file.getKey()));
            } catch (NoSuchKeyException e) {
                throw new IOException("Checkpoint " + at + ": " + file.getKey() + " is missing");
            }
            if (!stored.equals(file.getValue())) {
                throw new IOException("Checkpoint " + at + ": " + file.getKey() + " does not match its checksum");
            }
        }
    }

    private byte[] manifest(S3Location at) throws IOException {
        try {
            return call(() -> s3.getObjectAsBytes(r -> r.bucket(at.bucket()).key(at.key(Checkpoints.CHECKSUMS))))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            throw new IOException("No checkpoint at " + at + ": it has no " + Checkpoints.CHECKSUMS);
        }
    }

    private void delete(S3Location at) throws IOException {
        // The manifest first: a folder without one is never taken for a checkpoint, even half deleted.
        call(() -> s3.deleteObject(r -> r.bucket(at.bucket()).key(at.key(Checkpoints.CHECKSUMS))));
        // Keys in reverse order, so "extra/notes.txt" goes before "extra/": stores on a file system (S3Proxy's)
        // list their folders as such keys and refuse, after 10 s of retries, to delete one that is not yet empty.
        List<String> keys =
                call(() -> s3.listObjectsV2Paginator(r -> r.bucket(at.bucket()).prefix(at.folder())).contents().stream()
                        .map(S3Object::key)
                        .sorted(Comparator.reverseOrder())
                        .toList());
        for (String key : keys) {
            call(() -> s3.deleteObject(r -> r.bucket(at.bucket()).key(key)));
        }
    }

    /** The SHA-256 of an object, read back from the store. */
    private String sha256(S3Location at, String key) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in =
                call(() -> s3.getObject(r -> r.bucket(at.bucket()).key(key)))) {
            return digest(in);
        }
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key relative to the prefix: no leading slash, no {@code ..}, ending in {@code /}. */
    private static String folderKey(String key) {
        String k = key.strip().replaceAll("^/+", "");
        if (k.isEmpty() || List.of(k.split("/")).contains("..")) {
            throw new IllegalArgumentException("Checkpoint key " + key + " is not a folder name");
        }
        return k.endsWith("/") ? k : k + "/";
    }

    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    /**
     * A request, its failures (unreachable store, access denied, a checksum the store refused) as IOExceptions like
     * the file system's; only "no such key" stays as it is, for the callers that say which file is missing.
     */
    private static <T> T call(Call<T> request) throws IOException {
        try {
            return request.run();
        } catch (NoSuchKeyException e) {
            throw e;
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
