package org.instructforge.shared.checkpoint;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An S3-compatible server on loopback for the object-store tests of both services (the training service's stores,
 * labeling-web's downloads): S3Proxy (org.gaul:s3proxy, from Maven Central; the build of each module that tests
 * against it copies its self-contained jar to {@code target/s3proxy}, see the root pom) over its file-system blob
 * store, started as a separate JVM so that its Jetty, jclouds and Guava never meet the services' classpath. It checks
 * AWS signatures (V2 and V4) against one access key. Main code, like {@code RestartablePostgres}, so that both
 * modules' tests reach it without a test-jar.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "forge-test";
    public static final String SECRET_KEY = "forge-test-secret";

    private final Process process;
    private final URI endpoint;
    private final Path folder;

    private S3ProxyServer(Process process, URI endpoint, Path folder) {
        this.process = process;
        this.endpoint = endpoint;
        this.folder = folder;
    }

    /**
     * Starts S3Proxy storing its buckets in a temporary folder, waits until it answers, and hands the AWS SDK's
     * default credential chain this server's key (system properties, cleared by {@link #close}).
     */
    public static S3ProxyServer start() throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("s3proxy-");
        Path dataDir = folder.resolve("blobs");
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn process-test-resources)");
        }
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Files.createDirectories(dataDir);
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        List.of(
                                "s3proxy.endpoint=" + endpoint,
                                "s3proxy.authorization=aws-v2-or-v4",
                                "s3proxy.identity=" + ACCESS_KEY,
                                "s3proxy.credential=" + SECRET_KEY,
                                "jclouds.provider=filesystem",
                                "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath())));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--properties",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3ProxyServer server = new S3ProxyServer(process, endpoint, folder);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!server.answers()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                server.close();
                throw new IllegalStateException("S3Proxy did not start; its log:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Any HTTP answer (an unsigned request gets 403) means the server is up. */
    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            c.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
