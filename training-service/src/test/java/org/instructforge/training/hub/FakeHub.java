package org.instructforge.training.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub on loopback that answers as the real one does, for the requests {@code forge pull} makes:
 * {@code GET /api/models/{repo}/revision/{rev}?blobs=true} (siblings with size, blobId and LFS sha256), and
 * {@code /{repo}/resolve/{rev}/{file}}: files in git directly (ETag the git blob id), LFS files as a 302 to a second
 * server playing the CDN (another origin), with {@code X-Linked-Etag}, {@code X-Linked-Size} and
 * {@code X-Repo-Commit}. Errors carry the Hub's {@code X-Error-Code}: {@code RepoNotFound} (404),
 * {@code RevisionNotFound} (404), {@code GatedRepo} (401 without a token, 403 with one that has no access). Both
 * servers honour {@code Range: bytes=N-} with 206. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {

    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** A file of a fake repository; {@code lfs} files go through the CDN. */
    public record File(String name, byte[] content, boolean lfs) {}

    /** One request as the server saw it. */
    public record Seen(String server, String method, String path, String range, String authorization) {}

    private static final class Repo {
        final Map<String, File> files = new LinkedHashMap<>();
        String gatedToken; // null: public
        final Map<String, String> listedSha256 = new ConcurrentHashMap<>(); // overrides, for a corrupt file
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Integer> breakAfter = new ConcurrentHashMap<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch stalls = new java.util.concurrent.CountDownLatch(1);

    public FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        // Threads enough for a stalled answer to hold one while the next request is served.
        hub.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hub.start();
        cdn.start();
    }

    /** The endpoint to give as HF_ENDPOINT. */
    public String endpoint() {
        return "http://" + hub.getAddress().getHostString() + ":"
                + hub.getAddress().getPort();
    }

    public FakeHub repo(String id, File... files) {
        Repo repo = new Repo();
        for (File f : files) {
            repo.files.put(f.name(), f);
            if (f.lfs()) {
                blobs.put(sha256(f.content()), f.content());
            }
        }
        repos.put(id, repo);
        return this;
    }

    /** Files of the repository are served only with this token. */
    public FakeHub gated(String id, String token) {
        repos.get(id).gatedToken = token;
        return this;
    }

    /** The listing states another SHA-256 for this LFS file than the bytes the CDN serves. */
    public FakeHub corrupt(String id, String file) {
        repos.get(id).listedSha256.put(file, "f".repeat(64));
        return this;
    }

    /** The next CDN answer for this file sends its headers, then this many bytes, then stalls until closed. */
    public FakeHub breakOnce(byte[] content, int bytes) {
        breakAfter.put(sha256(content), bytes);
        return this;
    }

    public List<Seen> seen(String server, String pathPart) {
        return seen.stream()
                .filter(s -> s.server().equals(server) && s.path().contains(pathPart))
                .toList();
    }

    public static File json(String name, String text) {
        return new File(name, text.getBytes(StandardCharsets.UTF_8), false);
    }

    public static File lfs(String name, int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return new File(name, content, true);
    }

    public static String sha256(byte[] content) {
        return digest("SHA-256", new byte[0], content);
    }

    static String gitBlobId(byte[] content) {
        return digest("SHA-1", ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII), content);
    }

    private static String digest(String algorithm, byte[] header, byte[] content) {
        try {
            MessageDigest d = MessageDigest.getInstance(algorithm);
            d.update(header);
            return HexFormat.of().formatHex(d.digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern LISTING = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^/?]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    private void hub(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        String auth = x.getRequestHeaders().getFirst("Authorization");
        seen.add(new Seen(
                "hub", x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Range"), auth));
        Matcher listing = LISTING.matcher(path);
        Matcher resolve = RESOLVE.matcher(path);
        if (listing.matches()) {
            Repo repo = repos.get(listing.group(1));
            if (repo == null) {
                error(x, 404, "RepoNotFound", "Repository not found");
            } else if (!listing.group(2).equals("main") && !listing.group(2).equals(COMMIT)) {
                error(x, 404, "RevisionNotFound", "Invalid rev id: " + listing.group(2));
            } else {
                send(x, 200, Map.of("Content-Type", "application/json"), listing(listing.group(1), repo), 0);
            }
        } else if (resolve.matches()) {
            Repo repo = repos.get(resolve.group(1));
            File file = repo == null ? null : repo.files.get(resolve.group(3));
            if (repo == null) {
                error(x, 404, "RepoNotFound", "Repository not found");
            } else if (repo.gatedToken != null && !("Bearer " + repo.gatedToken).equals(auth)) {
                error(
                        x,
                        auth == null ? 401 : 403,
                        "GatedRepo",
                        "Access to model " + resolve.group(1)
                                + " is restricted. You must have access to it and be authenticated to access it.");
            } else if (file == null) {
                error(x, 404, "EntryNotFound", "Entry not found");
            } else if (file.lfs()) {
                String sha = sha256(file.content());
                x.getResponseHeaders().add("Location", cdnBase() + "/repos/ab/cd/" + sha + "?X-Amz-Signature=fake");
                x.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                x.getResponseHeaders().add("X-Linked-Size", String.valueOf(file.content().length));
                x.getResponseHeaders().add("X-Repo-Commit", COMMIT);
                x.sendResponseHeaders(302, -1);
                x.close();
            } else {
                x.getResponseHeaders().add("ETag", "\"" + gitBlobId(file.content()) + "\"");
                x.getResponseHeaders().add("X-Repo-Commit", COMMIT);
                ranged(x, file.content(), Integer.MAX_VALUE);
            }
        } else {
            error(x, 404, null, "Not found");
        }
    }

    private void cdn(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        seen.add(new Seen(
                "cdn",
                x.getRequestMethod(),
                path,
                x.getRequestHeaders().getFirst("Range"),
                x.getRequestHeaders().getFirst("Authorization")));
        String sha = path.substring(path.lastIndexOf('/') + 1);
        byte[] content = blobs.get(sha);
        if (content == null) {
            error(x, 404, null, "NoSuchKey");
            return;
        }
        Integer cut = breakAfter.remove(sha);
        ranged(x, content, cut == null ? Integer.MAX_VALUE : cut);
    }

    private String cdnBase() {
        return "http://" + cdn.getAddress().getHostString() + ":"
                + cdn.getAddress().getPort();
    }

    /** 200, or 206 for {@code Range: bytes=N-}; stops after {@code cut} body bytes and drops the connection. */
    private void ranged(HttpExchange x, byte[] content, int cut) throws IOException {
        String range = x.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!m.matches() || Integer.parseInt(m.group(1)) >= content.length) {
                x.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                x.sendResponseHeaders(416, -1);
                x.close();
                return;
            }
            from = Integer.parseInt(m.group(1));
            x.getResponseHeaders()
                    .add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        x.getResponseHeaders().add("Accept-Ranges", "bytes");
        byte[] body = java.util.Arrays.copyOfRange(content, from, content.length);
        send(x, range == null ? 200 : 206, Map.of(), body, cut);
    }

    private void send(HttpExchange x, int status, Map<String, String> headers, byte[] body, int cut)
            throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        OutputStream out = x.getResponseBody();
        if (cut > 0 && cut < body.length) {
            out.write(body, 0, cut);
            out.flush();
            // the connection goes quiet, as a dropped network does: the client gives up on its own
            try {
                stalls.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try (out) {
            out.write(body);
        }
    }

    private void send(HttpExchange x, int status, Map<String, String> headers, String body, int cut)
            throws IOException {
        send(x, status, headers, body.getBytes(StandardCharsets.UTF_8), cut);
    }

    private void error(HttpExchange x, int status, String code, String message) throws IOException {
        if (code != null) {
            x.getResponseHeaders().add("X-Error-Code", code);
        }
        x.getResponseHeaders().add("X-Error-Message", message);
        send(x, status, Map.of("Content-Type", "application/json"), "{\"error\":\"" + message + "\"}", 0);
    }

    private String listing(String id, Repo repo) {
        List<String> siblings = new ArrayList<>();
        for (File f : repo.files.values()) {
            String entry = "{\"rfilename\":\"" + f.name() + "\",\"size\":" + f.content().length + ",\"blobId\":\""
                    + gitBlobId(f.lfs() ? pointer(f) : f.content()) + "\"";
            if (f.lfs()) {
                String sha = repo.listedSha256.getOrDefault(f.name(), sha256(f.content()));
                entry +=
                        ",\"lfs\":{\"sha256\":\"" + sha + "\",\"size\":" + f.content().length + ",\"pointerSize\":134}";
            }
            siblings.add(entry + "}");
        }
        return "{\"_id\":\"fake\",\"id\":\"" + id + "\",\"private\":false,\"gated\":"
                + (repo.gatedToken == null ? "false" : "\"manual\"") + ",\"sha\":\"" + COMMIT
                + "\",\"siblings\":[" + String.join(",", siblings) + "]}";
    }

    /** The git-lfs pointer file git stores instead of the content. */
    private static byte[] pointer(File f) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(f.content()) + "\nsize "
                        + f.content().length + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stalls.countDown();
        hub.stop(0);
        cdn.stop(0);
    }
}
