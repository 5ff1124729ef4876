package org.instructforge.training.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.instructforge.training.toolbox.Checkpoints;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Hugging Face Hub's HTTP API, as far as downloading a model needs it, with the conventions of
 * {@code huggingface_hub}: the endpoint from {@code HF_ENDPOINT} (default https://huggingface.co), {@code HF_TOKEN}
 * sent as a Bearer token to the Hub (never to the storage it redirects to), the file list with sizes and LFS SHA-256s
 * from {@code GET /api/models/{repo}/revision/{revision}?blobs=true}, and each file from
 * {@code /{repo}/resolve/{commit}/{file}}, which for LFS files redirects to a CDN. Downloads resume: bytes land in
 * {@code FILE.part} and a later attempt asks for the rest with an HTTP {@code Range}. A file becomes {@code FILE}
 * only once its size and digest match the Hub's: the SHA-256 for LFS files, the git blob SHA-1 for the others.
 */
public final class HubClient {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /**
     * A file of a repository at one commit.
     *
     * @param sha256 the LFS object's SHA-256; null for a file stored in git itself
     * @param blobId the git blob id (SHA-1 of {@code "blob SIZE\0" + content}); for LFS files that of the pointer
     */
    public record RemoteFile(String path, long size, String sha256, String blobId) {
        boolean lfs() {
            return sha256 != null;
        }
    }

    /** A repository at a revision, resolved to its commit. */
    public record Snapshot(String repo, String commit, List<RemoteFile> files) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_REDIRECTS = 5;

    /** How long a download may receive nothing before it counts as broken off (and resumable). */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final URI endpoint;
    private final String token;
    private final Duration stallTimeout;
    private final HttpClient http;

    /**
     * @param endpoint the Hub's address ({@code HF_ENDPOINT}); null or blank for https://huggingface.co
     * @param token an access token ({@code HF_TOKEN}); null or blank for anonymous access
     */
    public HubClient(String endpoint, String token) {
        this(endpoint, token, DEFAULT_STALL_TIMEOUT);
    }

    /** @param stallTimeout a transfer that receives nothing this long is abandoned, its part file kept */
    public HubClient(String endpoint, String token, Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
        String e = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
        this.endpoint = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        this.token = token == null || token.isBlank() ? null : token.strip();
        // Redirects are followed by hand: the token must not travel to the CDN, and the Hub's first answer carries
        // the LFS digest (X-Linked-Etag).
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(15))
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The files of {@code repo} at {@code revision} (a branch, tag or commit), with sizes and LFS digests. */
    public Snapshot list(String repo, String revision) throws IOException {
        URI uri = URI.create(endpoint + "/api/models/" + repo + "/revision/" + encode(revision) + "?blobs=true");
        HttpResponse<String> response =
                send(uri, 0, HttpResponse.BodyHandlers.ofString()).response();
        if (response.statusCode() != 200) {
            throw failure(response, repo, revision, null);
        }
        JsonNode info;
        try {
            info = JSON.readTree(response.body());
        } catch (RuntimeException e) {
            throw new HubException("the Hub at " + endpoint + " answered the file list of " + repo
                    + " with something other than JSON");
        }
        String commit = info.path("sha").asString("");
        if (commit.isEmpty()) {
            throw new HubException("the Hub's answer for " + repo + "@" + revision + " names no commit (sha)");
        }
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode sibling : info.path("siblings")) {
            JsonNode lfs = sibling.path("lfs");
            // The revision API calls the LFS digest "sha256"; the tree API calls it "oid".
            String sha256 =
                    lfs.isObject() ? lfs.path("sha256").asString(lfs.path("oid").asString(null)) : null;
            long size = lfs.isObject() && lfs.has("size")
                    ? lfs.path("size").asLong()
                    : sibling.path("size").asLong(-1);
            files.add(new RemoteFile(
                    sibling.path("rfilename").asString(),
                    size,
                    sha256,
                    sibling.path("blobId").asString(null)));
        }
        return new Snapshot(repo, commit, files);
    }

    /**
     * Downloads one file of {@code repo} at {@code commit} to {@code target}, resuming a {@code target.part} that an
     * earlier attempt left. The part file is kept when the transfer breaks off, and deleted when the whole file does
     * not match the Hub's digest.
     */
    public void download(String repo, String commit, RemoteFile file, Path target) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (file.size() >= 0 && have > file.size()) {
            Files.delete(part);
            have = 0;
        }
        String linkedEtag = null;
        if (file.size() < 0 || have < file.size()) {
            URI uri = URI.create(endpoint + "/" + repo + "/resolve/" + commit + "/" + encodePath(file.path()));
            long from = have;
            AtomicReference<PartFile> body = new AtomicReference<>();
            Answer<Void> answer;
            try {
                answer = send(
                        uri,
                        from,
                        info -> {
                            if (info.statusCode() != 200 && info.statusCode() != 206) {
                                return HttpResponse.BodySubscribers.replacing(null);
                            }
                            // a 206 that starts where the part file ends continues it; anything else is the whole file
                            boolean resumes = info.statusCode() == 206
                                    && info.headers()
                                            .firstValue("Content-Range")
                                            .map(range -> range.startsWith("bytes " + from + "-"))
                                            .orElse(false);
                            PartFile partFile = new PartFile(part, resumes ? from : 0);
                            body.set(partFile);
                            return partFile;
                        },
                        body);
            } catch (IOException e) {
                PartFile partFile = body.get();
                if (partFile == null) {
                    throw e;
                }
                throw new HubException("the download of " + file.path() + " broke off after " + partFile.size() + " of "
                        + file.size() + " bytes (" + reason(e) + "); run the same pull again to resume it");
            }
            int status = answer.response().statusCode();
            if (status != 200 && status != 206) {
                throw failure(answer.response(), repo, commit, file.path());
            }
            linkedEtag = answer.linkedEtag();
        }
        verify(part, file, linkedEtag);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String reason(Throwable e) {
        return Objects.toString(e.getMessage(), e.getClass().getSimpleName());
    }

    /**
     * Writes a body into the part file as it arrives (appending from {@code offset}, or from the start) and notes
     * when bytes last came: the JDK client has no read timeout for a body, and on JDK 17 a read blocked on a silent
     * connection cannot be interrupted, so the download waits on this subscriber and cancels it when it stalls.
     */
    private static final class PartFile implements HttpResponse.BodySubscriber<Void> {

        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final FileChannel channel;
        private volatile long size;
        private volatile long lastProgress = System.nanoTime();
        private volatile Flow.Subscription subscription;

        PartFile(Path part, long offset) {
            try {
                channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channel.truncate(offset);
                channel.position(offset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            size = offset;
        }

        long size() {
            return size;
        }

        boolean silentFor(Duration d) {
            return System.nanoTime() - lastProgress > d.toNanos();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            try {
                for (ByteBuffer b : buffers) {
                    while (b.hasRemaining()) {
                        size += channel.write(b);
                    }
                }
                lastProgress = System.nanoTime();
                subscription.request(1);
            } catch (IOException e) {
                subscription.cancel();
                finish(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            finish(t);
        }

        @Override
        public void onComplete() {
            finish(null);
        }

        /** Gives up on a silent connection: the client drops it, the bytes so far stay in the part file. */
        void abandon(Duration silence) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            finish(new IOException("no data for " + silence.toSeconds() + " s"));
        }

        private synchronized void finish(Throwable failure) {
            if (done.isDone()) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        }

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }
    }

    /** Size, then digest: the LFS SHA-256 the Hub lists (or sent as X-Linked-Etag), else the git blob id. */
    private static void verify(Path part, RemoteFile file, String linkedEtag) throws IOException {
        long size = Files.size(part);
        if (file.size() >= 0 && size < file.size()) { // the part file stays, to resume
            throw new HubException("the download of " + file.path() + " broke off after " + size + " of " + file.size()
                    + " bytes (the connection ended early); run the same pull again to resume it");
        }
        if (file.size() >= 0 && size != file.size()) {
            Files.delete(part);
            throw new HubException(file.path() + " arrived with " + size + " bytes, the Hub lists " + file.size()
                    + "; the download was deleted, run the same pull again");
        }
        String expected = file.sha256() != null ? file.sha256() : unquote(linkedEtag);
        if (expected != null && expected.matches("[0-9a-f]{64}")) {
            check(part, file, "SHA-256", expected, Checkpoints.sha256(part));
        } else if (file.blobId() != null && file.blobId().matches("[0-9a-f]{40}")) {
            byte[] header = ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII);
            check(part, file, "git blob SHA-1", file.blobId(), Checkpoints.digest(part, "SHA-1", header));
        }
    }

    private static void check(Path part, RemoteFile file, String what, String expected, String actual)
            throws IOException {
        if (!expected.equals(actual)) {
            Files.delete(part);
            throw new HubException(file.path() + ": its " + what + " is " + actual + ", the Hub's is " + expected
                    + "; the corrupt download was deleted and nothing was registered");
        }
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replaceFirst("^W/", "").replace("\"", "");
    }

    /** The final response and the LFS digest the Hub sent on the way (X-Linked-Etag, on its redirect). */
    private record Answer<T>(HttpResponse<T> response, String linkedEtag) {}

    /**
     * A GET that follows up to five redirects by hand. The token goes only to the Hub's own origin: the Hub
     * redirects LFS files to a CDN with a signed URL, which must not see it. {@code watched}, when given, is the body
     * being written: an answer that goes silent for {@code stallTimeout} is abandoned.
     */
    private <T> Answer<T> send(URI uri, long rangeFrom, HttpResponse.BodyHandler<T> body) throws IOException {
        return send(uri, rangeFrom, body, null);
    }

    private <T> Answer<T> send(
            URI uri, long rangeFrom, HttpResponse.BodyHandler<T> body, AtomicReference<PartFile> watched)
            throws IOException {
        URI current = uri;
        String linkedEtag = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .timeout(Duration.ofSeconds(60))
                    .header("User-Agent", "instructforge-forge-pull");
            if (token != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token);
            }
            if (rangeFrom > 0) {
                request.header("Range", "bytes=" + rangeFrom + "-");
            }
            HttpResponse.BodyHandler<T> handler = info -> isRedirect(info.statusCode(), info.headers())
                    ? HttpResponse.BodySubscribers.replacing(null)
                    : body.apply(info);
            HttpResponse<T> response = await(http.sendAsync(request.GET().build(), handler), current, watched);
            if (linkedEtag == null) {
                linkedEtag = response.headers().firstValue("X-Linked-Etag").orElse(null);
            }
            if (!isRedirect(response.statusCode(), response.headers())) {
                return new Answer<>(response, linkedEtag);
            }
            current = current.resolve(response.headers().firstValue("Location").get());
        }
        throw new HubException("the Hub redirected " + uri + " more than " + MAX_REDIRECTS + " times");
    }

    private static boolean isRedirect(int status, java.net.http.HttpHeaders headers) {
        return status >= 300 && status <= 399 && headers.firstValue("Location").isPresent();
    }

    /** Waits for an answer, abandoning a body that went silent; connection failures read as "no network". */
    private <T> HttpResponse<T> await(
            CompletableFuture<HttpResponse<T>> answer, URI uri, AtomicReference<PartFile> watched) throws IOException {
        while (true) {
            try {
                return answer.get(Math.max(10, stallTimeout.toMillis() / 4), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                PartFile body = watched == null ? null : watched.get();
                if (body != null && body.silentFor(stallTimeout)) {
                    body.abandon(stallTimeout);
                }
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new HubException("interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ConnectException
                        || cause instanceof HttpConnectTimeoutException
                        || cause instanceof UnresolvedAddressException
                        || cause.getCause() instanceof UnresolvedAddressException) {
                    throw unreachable(uri);
                }
                if (watched != null && watched.get() != null) {
                    throw cause instanceof IOException io ? io : new IOException(cause);
                }
                throw new HubException("the connection to " + uri.getHost() + " failed: " + reason(cause));
            }
        }
    }

    private HubException unreachable(URI uri) {
        return new HubException("cannot reach the Hugging Face Hub at " + endpoint + " (no network connection to "
                + uri.getHost() + "?); on a machine without internet, copy the model folder here and use "
                + "'forge import DIR'");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    /** One line for a refusal, after the Hub's X-Error-Code where it sends one (as huggingface_hub reads it). */
    private HubException failure(HttpResponse<?> response, String repo, String revision, String file) {
        int status = response.statusCode();
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String page = endpoint + "/" + repo;
        if (code.equals("GatedRepo") || (status == 403 && file != null)) {
            return new HubException(
                    status == 401 || token == null
                            ? repo + " is gated: accept its conditions at " + page
                                    + " and set HF_TOKEN to an access token of that account"
                            : "HF_TOKEN's account may not download " + repo + " yet (HTTP " + status
                                    + "): accept its conditions at " + page);
        }
        if (code.equals("RevisionNotFound")) {
            return new HubException(repo + " has no revision '" + revision + "'");
        }
        if (code.equals("EntryNotFound")) {
            return new HubException(repo + " has no file " + file + " at " + revision);
        }
        if (status == 401 || status == 404 || code.equals("RepoNotFound")) {
            // The Hub answers 401 for a repository it will not show an anonymous caller: missing or private.
            return new HubException("no model " + repo + " on the Hub at " + endpoint
                    + (token == null ? " (if it is private, set HF_TOKEN)" : " that HF_TOKEN may see"));
        }
        return new HubException("the Hub answered HTTP " + status + " for "
                + (file == null ? "the file list of " + repo : repo + "/" + file));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        return Arrays.stream(path.split("/")).map(HubClient::encode).collect(Collectors.joining("/"));
    }
}
