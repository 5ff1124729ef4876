package org.instructforge.web.bench;

import java.net.CookieManager;
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
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * N simulated labelers (default 200) sign in over loopback and, for a fixed time (default 60 s), take the next
 * demonstration task and submit it, as fast as they can, through the same pages a browser uses (form login,
 * session cookie, CSRF token). Prints tasks/s and the p50/p99 latency of "next task" (the claim and its page)
 * and "submit", then checks in the database that no slot was leased twice, no submission was lost or
 * duplicated, and no prompt got more labels than it wants. Run with {@code ./forge bench queue}.
 */
public final class QueueLoadBenchmark {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern TASK = Pattern.compile("/labeler/demonstrations/(\\d+)$");

    public static void main(String[] args) throws Exception {
        int labelers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        // Pause between a page and its submit, like a labeler reading and typing (0: as fast as possible).
        long thinkMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        System.setProperty("instructforge.database.embedded.data-dir", "");
        System.setProperty("instructforge.database.embedded.port", "0");
        var context = new SpringApplicationBuilder(LabelingWebApplication.class)
                .logStartupInfo(false)
                .run(
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        // Real labelers are limited to 30 tasks a minute; simulated ones go as fast as they can.
                        "--instructforge.labeling.claims-per-minute=1000000",
                        "--server.tomcat.threads.max=" + Math.max(200, labelers),
                        "--spring.datasource.hikari.maximum-pool-size=40");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
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
                "%d labelers, %d s, think time ~%d ms, %d cores; dataset %d%n",
                labelers, seconds, thinkMillis, Runtime.getRuntime().availableProcessors(), dataset);

        ConcurrentLinkedQueue<Long> nextNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> submitNanos = new ConcurrentLinkedQueue<>();
        AtomicLong submitted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        // Everyone signs in first (password hashing is slow on purpose), then the clock starts.
        List<HttpClient> sessions = Collections.synchronizedList(new ArrayList<>());
        ExecutorService signIn = Executors.newFixedThreadPool(8);
        for (String name : names) {
            signIn.submit(() -> {
                try {
                    sessions.add(signIn(port, name));
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println(name + ": " + e);
                }
            });
        }
        signIn.shutdown();
        signIn.awaitTermination(10, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(labelers);
        for (HttpClient session : sessions) {
            pool.submit(() -> {
                try {
                    work(port, session, deadline, thinkMillis, nextNanos, submitNanos, submitted, errors);
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("labeler: " + e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120, TimeUnit.SECONDS);

        System.out.printf(
                "tasks submitted: %d (%.1f tasks/s), errors: %d%n",
                submitted.get(), submitted.get() / (double) seconds, errors.get());
        System.out.printf(
                "next task: n=%d p50 %.1f ms p99 %.1f ms%n",
                nextNanos.size(), percentile(nextNanos, 50), percentile(nextNanos, 99));
        System.out.printf(
                "submit:    n=%d p50 %.1f ms p99 %.1f ms%n",
                submitNanos.size(), percentile(submitNanos, 50), percentile(submitNanos, 99));
        verify(jdbc, submitted.get());
        context.close();
    }

    private static HttpClient signIn(int port, String name) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String base = "http://127.0.0.1:" + port;
        String token = csrf(get(http, base + "/login").body());
        var login = post(http, base + "/login", "username=" + name + "&password=load-password&_csrf=" + token);
        if (login.statusCode() != 302
                || login.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in failed");
        }
        return http;
    }

    /** One labeler's loop: take and submit tasks until the deadline. */
    private static void work(
            int port,
            HttpClient http,
            long deadline,
            long thinkMillis,
            ConcurrentLinkedQueue<Long> nextNanos,
            ConcurrentLinkedQueue<Long> submitNanos,
            AtomicLong submitted,
            AtomicLong errors)
            throws Exception {
        String base = "http://127.0.0.1:" + port;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            var next = get(http, base + "/labeler/next?kind=DEMONSTRATION");
            Matcher task = TASK.matcher(next.headers().firstValue("Location").orElse(""));
            if (!task.find()) {
                return; // nothing left for this labeler
            }
            var page = get(http, base + "/labeler/demonstrations/" + task.group(1));
            nextNanos.add(System.nanoTime() - start);
            if (thinkMillis > 0) {
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current()
                        .nextLong(thinkMillis / 2, thinkMillis * 3 / 2));
            }
            long submitStart = System.nanoTime();
            var submit = post(
                    http,
                    base + "/labeler/demonstrations/" + task.group(1),
                    "text=" + URLEncoder.encode("A simulated answer.", StandardCharsets.UTF_8) + "&_csrf="
                            + csrf(page.body()));
            submitNanos.add(System.nanoTime() - submitStart);
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

    private static double percentile(ConcurrentLinkedQueue<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the page");
        }
        return m.group(1);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
