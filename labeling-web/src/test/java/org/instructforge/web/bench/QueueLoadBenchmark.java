package org.instructforge.web.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.instructforge.shared.Role;
import org.instructforge.web.LabelingWebApplication;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * N simulated labelers (default 200) sign in over loopback and, for a fixed time (default 60 s after a 30 s warm-up),
 * take the next demonstration task and submit it, pausing about 2 s between the page and the submit (people take
 * minutes), through the same pages a browser uses (form login,
 * session cookie, CSRF token). Prints tasks/s and the p50/p99 latency of "next task" (the claim and its page)
 * and "submit", then checks in the database that no slot was leased twice, no submission was lost or
 * duplicated, and no prompt got more labels than it wants. Run with {@code ./forge bench queue}.
 *
 * <p>With REPLICAS 2 it starts two labeling-web instances on the one database (each its own Spring context, web
 * server, connection pool, rate limiter: nothing shared but PostgreSQL, as with replicas behind a load balancer) and
 * sends each labeler's requests to them in turn, without stickiness, so every session, CSRF token and lease written by
 * one is read by the other. Both run in this JVM on the same cores: the figure is the cost of sharing state through
 * the database, not a speed-up.
 */
public final class QueueLoadBenchmark {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern TASK = Pattern.compile("/labeler/demonstrations/(\\d+)$");

    public static void main(String[] args) throws Exception {
        int labelers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        // Pause between a page and its submit, like a labeler reading and typing (0: as fast as possible, which
        // measures capacity: 200 labelers with no pause queue behind each other whatever the server does).
        long thinkMillis = args.length > 2 ? Long.parseLong(args[2]) : 2000;
        // On 2 cores the JIT compiles for the first 10-20 s while 200 labelers arrive at once; that start is timed
        // and reported apart from the steady state (0: no warm-up).
        int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        int replicas = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        if (replicas < 1) {
            throw new IllegalArgumentException("REPLICAS must be 1 or more, was " + replicas);
        }
        System.setProperty("instructforge.database.embedded.data-dir", "");
        System.setProperty("instructforge.database.embedded.port", "0");
        // Every replica joins the one temporary database the first one starts (EmbeddedPostgres: one per data dir).
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            ConfigurableApplicationContext replica = new SpringApplicationBuilder(LabelingWebApplication.class)
                    .logStartupInfo(false)
                    .run(
                            "--server.port=0",
                            "--spring.main.banner-mode=off",
                            "--logging.level.root=WARN",
                            // Real labelers are limited to 30 tasks a minute; simulated ones go as fast as they can.
                            "--instructforge.labeling.claims-per-minute=1000000",
                            "--server.tomcat.threads.max=" + Math.max(200, labelers),
                            "--spring.datasource.hikari.maximum-pool-size=" + 40 / replicas);
            contexts.add(replica);
            bases.add("http://127.0.0.1:"
                    + ((WebServerApplicationContext) replica).getWebServer().getPort());
        }
        ConfigurableApplicationContext context = contexts.get(0);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        long dataset = prepare(context.getBean(Datasets.class), context.getBean(PromptImporter.class), jdbc);
        Accounts accounts = context.getBean(Accounts.class);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < labelers; i++) {
            String name = "load-" + i;
            accounts.create(name, name, "load-password", Set.of(Role.LABELER), null);
            names.add(name);
        }
        System.out.printf(
                "%d labelers, %d s, think time ~%d ms, %d cores, %d replica(s); dataset %d%n",
                labelers, seconds, thinkMillis, Runtime.getRuntime().availableProcessors(), replicas, dataset);

        // Each sample is {start, latency} in nanoseconds, so that the warm-up can be told apart afterwards.
        ConcurrentLinkedQueue<long[]> nextNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> submitNanos = new ConcurrentLinkedQueue<>();
        AtomicLong submitted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        // Everyone signs in first (password hashing is slow on purpose), then the clock starts.
        // One HTTP client for all, as a load generator would use; each labeler keeps their own session cookie.
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        List<Session> sessions = Collections.synchronizedList(new ArrayList<>());
        ExecutorService signIn = Executors.newFixedThreadPool(8);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Session session = new Session(http, bases, i);
            signIn.submit(() -> {
                try {
                    sessions.add(signIn(session, name));
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println(name + ": " + e);
                }
            });
        }
        signIn.shutdown();
        signIn.awaitTermination(10, TimeUnit.MINUTES);
        long measuredFrom =
                System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        long deadline = measuredFrom + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(labelers);
        for (Session session : sessions) {
            pool.submit(() -> {
                try {
                    work(session, deadline, thinkMillis, nextNanos, submitNanos, submitted, errors);
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("labeler: " + e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(warmupSeconds + seconds + 120, TimeUnit.SECONDS);

        long measuredTasks =
                submitNanos.stream().filter(s -> s[0] >= measuredFrom).count();
        System.out.printf(
                "tasks submitted: %d in all, %d in the measured %d s (%.1f tasks/s), errors: %d%n",
                submitted.get(), measuredTasks, seconds, measuredTasks / (double) seconds, errors.get());
        report("warm-up (first " + warmupSeconds + " s)", nextNanos, submitNanos, s -> s[0] < measuredFrom);
        report("measured (" + seconds + " s)", nextNanos, submitNanos, s -> s[0] >= measuredFrom);
        verify(jdbc, submitted.get());
        for (int r = contexts.size() - 1; r >= 0; r--) {
            contexts.get(r).close(); // the first last: it owns the embedded database
        }
    }

    private static Session signIn(Session session, String name) throws Exception {
        String token = csrf(session.get("/login").body());
        var login = session.post("/login", "username=" + name + "&password=load-password&_csrf=" + token);
        if (login.statusCode() != 302
                || login.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in failed");
        }
        return session;
    }

    /** One labeler's loop: take and submit tasks until the deadline. */
    private static void work(
            Session session,
            long deadline,
            long thinkMillis,
            ConcurrentLinkedQueue<long[]> nextNanos,
            ConcurrentLinkedQueue<long[]> submitNanos,
            AtomicLong submitted,
            AtomicLong errors)
            throws Exception {
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            var next = session.get("/labeler/next?kind=DEMONSTRATION");
            Matcher task = TASK.matcher(next.headers().firstValue("Location").orElse(""));
            if (!task.find()) {
                return; // nothing left for this labeler
            }
            var page = session.get("/labeler/demonstrations/" + task.group(1));
            nextNanos.add(new long[] {start, System.nanoTime() - start});
            if (thinkMillis > 0) {
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current()
                        .nextLong(thinkMillis / 2, thinkMillis * 3 / 2));
            }
            long submitStart = System.nanoTime();
            var submit = session.post(
                    "/labeler/demonstrations/" + task.group(1),
                    "text=" + URLEncoder.encode("A simulated answer.", StandardCharsets.UTF_8) + "&_csrf="
                            + csrf(page.body()));
            submitNanos.add(new long[] {submitStart, System.nanoTime() - submitStart});
            if (submit.statusCode() == 302) {
                submitted.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
        }
    }

    private static long prepare(Datasets datasets, PromptImporter importer, JdbcClient jdbc) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("load", 3, "0.3"), null);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            lines.add(ImportFixtures.line(
                    "Load prompt number " + i + ": what is " + i + " plus " + (i % 97) + "?", "user-" + (i % 5000)));
        }
        ImportFixtures.importLines(importer, dataset, false, lines);
        return dataset;
    }

    /** The invariants: every client-acknowledged submission is stored once, and no prompt is over-labelled. */
    private static void verify(JdbcClient jdbc, long acknowledged) {
        // The simulated labelers may also take the demo dataset's prompts: check every dataset.
        long stored = count(jdbc, """
                SELECT count(*) FROM demonstration x JOIN app_user u ON u.id = x.labeler_id
                WHERE u.username LIKE 'load-%' AND x.status = 'SUBMITTED'""");
        long counterMismatch = count(jdbc, """
                SELECT count(*) FROM prompt p WHERE p.demonstrations_done <>
                  (SELECT count(*) FROM demonstration x WHERE x.prompt_id = p.id AND x.status = 'SUBMITTED')""");
        long overLabelled = count(jdbc, """
                SELECT count(*) FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id
                WHERE p.demonstrations_done
                  + (SELECT count(*) FROM task_assignment a WHERE a.prompt_id = p.id AND a.status = 'LEASED')
                  > labels_wanted(p.id, d.labels_per_item, d.overlap_share)""");
        long doubleLeased = count(jdbc, """
                SELECT count(*) FROM (SELECT prompt_id, labeler_id FROM task_assignment
                  WHERE prompt_id IS NOT NULL GROUP BY prompt_id, labeler_id HAVING count(*) > 1) x""");
        System.out.printf(
                "acknowledged %d, stored %d (lost or duplicated: %d); prompts whose counter disagrees: %d;"
                        + " prompts over their wanted labels: %d; items leased twice to one labeler: %d%n",
                acknowledged, stored, Math.abs(stored - acknowledged), counterMismatch, overLabelled, doubleLeased);
        if (stored != acknowledged || counterMismatch + overLabelled + doubleLeased > 0) {
            throw new IllegalStateException("queue invariants violated");
        }
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static void report(
            String window,
            ConcurrentLinkedQueue<long[]> nextNanos,
            ConcurrentLinkedQueue<long[]> submitNanos,
            Predicate<long[]> inWindow) {
        List<Long> next = latencies(nextNanos, inWindow);
        List<Long> submit = latencies(submitNanos, inWindow);
        System.out.printf(
                "%s: next task n=%d p50 %.1f ms p99 %.1f ms max %.1f ms; submit n=%d p50 %.1f ms p99 %.1f ms"
                        + " max %.1f ms%n",
                window,
                next.size(),
                percentile(next, 50),
                percentile(next, 99),
                percentile(next, 100),
                submit.size(),
                percentile(submit, 50),
                percentile(submit, 99),
                percentile(submit, 100));
    }

    private static List<Long> latencies(ConcurrentLinkedQueue<long[]> samples, Predicate<long[]> inWindow) {
        return samples.stream().filter(inWindow).map(s -> s[1]).sorted().toList();
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the page");
        }
        return m.group(1);
    }

    /**
     * One labeler's browser: the shared client, this labeler's cookies (the session id), and the replicas, which its
     * requests reach in turn (a load balancer without sticky sessions), starting at a different one per labeler.
     */
    private static final class Session {
        private final HttpClient http;
        private final List<String> bases;
        private final Map<String, String> cookies = new ConcurrentHashMap<>();
        private int requests;

        Session(HttpClient http, List<String> bases, int first) {
            this.http = http;
            this.bases = bases;
            this.requests = first;
        }

        HttpResponse<String> get(String path) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(nextBase() + path)).GET());
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(nextBase() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        private String nextBase() {
            return bases.get(requests++ % bases.size());
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.values()));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                cookies.put(pair.substring(0, pair.indexOf('=')), pair);
            }
            return response;
        }
    }
}
