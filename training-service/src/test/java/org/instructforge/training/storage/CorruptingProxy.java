package org.instructforge.training.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network that damages uploads on the way: a TCP relay on loopback in front of the S3 server that flips one byte in
 * the body of every {@code PUT} whose request line names {@code victim} (the SDK's retries included, as a faulty link
 * would), and passes everything else through untouched.
 */
public final class CorruptingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final String victim;
    private final AtomicInteger damaged = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();

    public CorruptingProxy(URI target, String victim) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.victim = victim;
        Thread accept = new Thread(this::accept, "corrupting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Request bodies damaged so far. */
    public int damaged() {
        return damaged.get();
    }

    /** PUT requests relayed so far. */
    int puts() {
        return puts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHost(), target.getPort());
                relay(() -> requests(client.getInputStream(), server.getOutputStream()), client, server);
                relay(() -> server.getInputStream().transferTo(client.getOutputStream()), client, server);
            } catch (IOException closed) {
                return;
            }
        }
    }

    @FunctionalInterface
    private interface Pump {
        void run() throws IOException;
    }

    private static void relay(Pump pump, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException ignored) {
                // one side hung up: the other follows
            } finally {
                try {
                    a.close();
                    b.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Copies HTTP/1.1 requests (headers, then Content-Length bytes of body), damaging the chosen body. */
    private void requests(InputStream in, OutputStream out) throws IOException {
        while (true) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            if (b < 0) {
                return;
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            out.write(head.toByteArray());
            out.flush();
            long length = 0;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(
                            line.substring("content-length:".length()).strip());
                }
            }
            String requestLine = headers.substring(0, headers.indexOf("\r\n"));
            boolean put = requestLine.startsWith("PUT ");
            if (put) {
                puts.incrementAndGet();
            }
            boolean damage = put && requestLine.contains(victim) && length > 0;
            byte[] buffer = new byte[1 << 16];
            for (long left = length; left > 0; ) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    return;
                }
                if (damage && left == length) {
                    buffer[0] ^= 0x01;
                    damaged.incrementAndGet();
                }
                out.write(buffer, 0, read);
                out.flush();
                left -= read;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
