package org.instructforge.training.storage;

import static org.instructforge.shared.checkpoint.S3CheckpointObjects.call;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3Location;
import org.instructforge.training.toolbox.Checkpoints;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checkpoints in an S3-compatible object store (Amazon S3, MinIO, Ceph RGW) for workers that share no volume.
 *
 * <p>Putting a folder uploads every file, then {@code SHA256SUMS} last, then reads every object back and compares
 * its SHA-256 with the manifest. Only then does {@link #put} return, so only then is the checkpoint registered; a
 * failed upload removes what it wrote. A file larger than one part ({@code partSize}, 64 MB by default) goes up as
 * a multipart upload (S3 takes at most 5 GiB in one PUT), each part signed with its own SHA-256 like a single PUT;
 * a multipart upload that fails is aborted, so the store keeps none of its parts. The read-back doubles the traffic
 * of a publish, once per checkpoint; in exchange nothing is registered on a store's word alone.
 *
 * <p>A worker on another host loads a checkpoint from a local cache folder named by the SHA-256 of its
 * {@code SHA256SUMS} (which names every file's SHA-256, so it names the whole checkpoint): downloaded once into a
 * temporary sibling, verified, then renamed into place, as {@code Checkpoints.writeAtomically} does on disk. Reading
 * goes through shared-model's {@link S3CheckpointObjects}, as labeling-web's downloads do.
 */
public final class S3CheckpointStore implements CheckpointStore, AutoCloseable {

    private static final String TEMPORARY = ".tmp-";

    private final S3CheckpointObjects objects;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path cache;
    private final long partSize;
    /** Locations registered as plain paths (the shipped base model before the switch, say) still load. */
    private final FileCheckpointStore files;

    /** A store that uploads files in parts of the default size (64 MB). */
    public S3CheckpointStore(S3Client s3, String bucket, String prefix, Path cache) {
        this(s3, bucket, prefix, cache, S3CheckpointObjects.DEFAULT_PART_SIZE);
    }

    /**
     * @param prefix put before every key ({@code instructforge/} keeps the checkpoints in one folder of a shared
     *     bucket); empty for none
     * @param cache where fetched checkpoints are kept on this host
     * @param partSize a file larger than this is uploaded in parts of this many bytes (5 MiB to 5 GiB)
     */
    public S3CheckpointStore(S3Client s3, String bucket, String prefix, Path cache, long partSize) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("An object store for checkpoints needs a bucket");
        }
        if (partSize < S3CheckpointObjects.SMALLEST_PART || partSize > S3CheckpointObjects.LARGEST_PUT) {
            throw new IllegalArgumentException("A part must be 5 MiB to 5 GiB, not " + partSize + " bytes");
        }
        this.objects = new S3CheckpointObjects(s3);
        this.s3 = s3;
        this.bucket = bucket;
        String p = prefix == null ? "" : prefix.strip().replaceAll("^/+", "");
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.cache = cache.toAbsolutePath().normalize();
        this.partSize = partSize;
        this.files = new FileCheckpointStore(this.cache);
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
        byte[] manifest = objects.manifest(at);
        Map<String, String> sums = S3CheckpointObjects.files(manifest);
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
                try (InputStream in = objects.open(at, name)) {
                    Files.copy(in, file);
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
        verify(at, S3CheckpointObjects.files(objects.manifest(at)));
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
    public void discard(String key) throws IOException {
        delete(new S3Location(bucket, prefix + folderKey(key)));
    }

    @Override
    public boolean holds(String key) throws IOException {
        S3Location at = new S3Location(bucket, prefix + folderKey(key));
        // Keys ending in "/" are folder markers (S3Proxy's file system lists its folders so), never a file.
        return call(() -> s3.listObjectsV2Paginator(r -> r.bucket(at.bucket()).prefix(at.folder())).contents().stream()
                .anyMatch(object -> !object.key().endsWith("/")));
    }

    @Override
    public void close() {
        objects.close();
    }

    private void upload(Path file, String key) throws IOException {
        long size = Files.size(file);
        if (size > partSize) {
            uploadInParts(file, key, size);
            return;
        }
        call(() -> s3.putObject(r -> r.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(file)));
    }

    /**
     * CreateMultipartUpload, one UploadPart per {@code partSize} bytes of the file (each read from the file at its
     * offset, again on a retry: nothing is held in memory), then CompleteMultipartUpload. Any failure aborts the
     * upload, so that the store drops the parts it received; the caller then removes what else it wrote.
     */
    private void uploadInParts(Path file, String key, long size) throws IOException {
        String uploadId = call(() ->
                        s3.createMultipartUpload(r -> r.bucket(bucket).key(key)))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0; offset < size; offset += partSize) {
                int number = parts.size() + 1;
                long length = Math.min(partSize, size - offset);
                long from = offset;
                ContentStreamProvider slice = () -> slice(file, from, length);
                String etag = call(() -> s3.uploadPart(
                                r -> r.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number)
                                        .contentLength(length),
                                RequestBody.fromContentProvider(slice, length, "application/octet-stream")))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            call(() -> s3.completeMultipartUpload(
                    r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
        } catch (IOException | RuntimeException e) {
            try {
                call(() ->
                        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)));
            } catch (IOException | RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** {@code length} bytes of {@code file} from {@code offset}, as a stream of its own. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buffer, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long skipped = super.skip(Math.min(n, left));
                    left -= skipped;
                    return skipped;
                }

                @Override
                public int available() throws IOException {
                    return (int) Math.min(super.available(), left);
                }

                @Override
                public boolean markSupported() {
                    return false;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every file of the manifest is stored whole: each object read back and hashed. */
    private void verify(S3Location at, Map<String, String> sums) throws IOException {
        for (Map.Entry<String, String> file : sums.entrySet()) {
            String stored;
            try (InputStream in = objects.open(at, file.getKey())) {
                stored = digest(in);
            }
            if (!stored.equals(file.getValue())) {
                throw new IOException("Checkpoint " + at + ": " + file.getKey() + " does not match its checksum");
            }
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
}
