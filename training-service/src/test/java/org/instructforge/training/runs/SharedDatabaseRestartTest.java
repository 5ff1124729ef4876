package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.instructforge.shared.db.RestartablePostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL restarts under load from both services at once: labeling-web (its packaged jar, as {@link
 * LabelingWebProcess} starts it) serves {@value #LABELERS} simulated labelers who claim and submit demonstrations
 * through the labeler API as fast as they can, while this service's own worker trains a run that writes a metric
 * every step; the test owns the server ({@link RestartablePostgres}) and stops it for {@link #OUTAGE} mid-run.
 *
 * <p>What the clients must see: during the outage 503 with {@code Retry-After} and a JSON error, never a 500 or a
 * dropped connection; after the restart both services serve again without being restarted. What must be stored:
 * every acknowledged demonstration exactly once and nothing unacknowledged (each labeler resends a submission that
 * got a 503 with the same lease until it is acknowledged: the lease is the submission's idempotency key, and "next
 * task" hands back a lease whose claim committed but whose answer was lost), and the run ends under its first claim
 * with each step's metric once and one READY checkpoint.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "instructforge.runs.worker-enabled=true",
            "instructforge.runs.worker-id=shared-restart-worker",
            "instructforge.runs.poll-interval=200ms",
            "instructforge.runs.heartbeat-interval=500ms",
            "instructforge.runs.stale-after=60s"
        })
class SharedDatabaseRestartTest {

    static final int LABELERS = 16;

    /** Longer than both services' 5 s connection timeout, so that requests and writes fail and wait. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    /** 80 steps (8 prompts, batch 4, 40 epochs), as in WorkerDatabaseOutageTest: mid-run when the server stops. */
    private static final String RUN = "{\"epochs\":40,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":5}";

    private static final int STEPS = 80;

    /** The demo labeler's password, which the test's labeler accounts share. */
    private static final String PASSWORD = "labeler-demo";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static RestartablePostgres database;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RunWorker worker;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        database = RestartablePostgres.start("shared-restart-pg");
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
    }

    /** One HTTP answer a labeler got: what, when (System.nanoTime at receipt) and, for a 503, what came with it. */
    record Seen(String labeler, int status, long at, String retryAfter, String contentType, String body) {}

    @Test
    void bothServicesServeOnAfterARestartUnderLoadAndEveryAcknowledgedLabelIsStoredOnce() throws Exception {
        LoopFixtures fixtures = new LoopFixtures(jdbc);
        long trainingData = fixtures.datasetWithDemonstrations();
        long base = fixtures.baseCheckpoint();
        // The run's prompts count their demonstration, as labeling-web counts a submitted one, so that the queue does
        // not offer them to the labelers (whose answers would change the run's data).
        jdbc.sql("UPDATE prompt SET demonstrations_done = 1 WHERE dataset_id = :d")
                .param("d", trainingData)
                .update();
        long started = System.nanoTime();
        try (LabelingWebProcess web = LabelingWebProcess.start(database.jdbcUrl(), "postgres", "postgres")) {
            long dataset = web.dataset("restart-" + fixtures.tag, "SharedDatabaseRestartTest", 0.9, 0.1, 0);
            // More prompts than the labelers can write in the test's time, so that the queue never runs dry.
            jdbc.sql("""
                            INSERT INTO prompt (dataset_id, text, source_user_id, source_kind, dedup_key, content_hash,
                                                split, pii_status)
                            SELECT :d, 'Restart prompt ' || i, 'author-' || i, 'CUSTOMER', md5(:d || '-' || i),
                                   md5(:d || '-' || i), 'TRAIN', 'CLEAN'
                            FROM generate_series(1, 3000) i""").param("d", dataset).update();
            List<String> labelers = labelerAccounts(fixtures.tag);
            long webReady = System.nanoTime();

            // The run first, so that it trains (its model loaded) before the labelers take the CPU.
            long run = fixtures.run("SFT", RUN, trainingData, base, null, null);
            await("the run training")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> step(run) >= 1);

            Queue<Seen> seen = new ConcurrentLinkedQueue<>();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet(); // the texts of acknowledged submissions
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (String labeler : labelers) {
                Thread thread = new Thread(
                        () -> {
                            try {
                                label(web, labeler, stop, seen, acknowledged);
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        },
                        labeler);
                thread.setDaemon(true); // a failed assertion must not leave them running
                thread.start();
                threads.add(thread);
            }
            // Mid-run and mid-labeling: every labeler has had submissions acknowledged, four each on average (or fewer
            // if the run is half done: it must not end before the server stops).
            await("every labeler at work")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !failures.isEmpty()
                            || ((acknowledged.size() >= 4 * LABELERS || step(run) >= STEPS / 2)
                                    && seen.stream()
                                                    .filter(s -> s.status() == 204)
                                                    .map(Seen::labeler)
                                                    .distinct()
                                                    .count()
                                            == LABELERS));
            assertThat(failures).isEmpty();
            assertThat(fixtures.status(run)).isEqualTo("RUNNING");
            int stepBefore = step(run);
            int acknowledgedBefore = acknowledged.size();

            long stopped = System.nanoTime();
            database.stop();
            Thread.sleep(OUTAGE.toMillis());
            database.startAgain();
            long restarted = System.nanoTime();
            Instant restartedAt = Instant.now();

            // Every labeler served again, and the run's next metric point written (its recorded_at is the start of
            // its transaction), with neither service restarted.
            await("every labeler served again after the restart")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !failures.isEmpty() || recoveredLabelers(seen, restarted) == LABELERS);
            assertThat(failures).isEmpty();
            Instant workerBack = await("the run's next metric point after the restart")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> firstPointAfter(run, restartedAt), at -> at != null);
            stop.set(true); // each labeler finishes the submission in hand, then stops
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(60).toMillis());
                assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
            }
            assertThat(failures).isEmpty();

            // What the labelers saw: only 200, 204 and 503, and each 503 with Retry-After and a JSON error.
            List<Seen> outage = seen.stream().filter(s -> s.status() == 503).toList();
            assertThat(seen)
                    .allSatisfy(s -> assertThat(s.status())
                            .as("%s got %s: %s", s.labeler(), s.status(), s.body())
                            .isIn(200, 204, 503));
            assertThat(outage).as("the labelers met the outage").isNotEmpty();
            assertThat(outage).allSatisfy(s -> {
                assertThat(s.retryAfter()).isEqualTo("5");
                assertThat(s.contentType()).startsWith("application/json");
                assertThat(JSON.readTree(s.body()).path("error").asString()).contains("database is not reachable");
            });
            long first503 = outage.stream().mapToLong(Seen::at).min().orElseThrow();
            long last503 = outage.stream().mapToLong(Seen::at).max().orElseThrow();
            long firstServed = seen.stream()
                    .filter(s -> s.at() > restarted && s.status() != 503)
                    .mapToLong(Seen::at)
                    .min()
                    .orElseThrow();
            long allServed = labelers.stream()
                    .mapToLong(l -> seen.stream()
                            .filter(s -> s.labeler().equals(l) && s.at() > restarted && s.status() != 503)
                            .mapToLong(Seen::at)
                            .min()
                            .orElseThrow())
                    .max()
                    .orElseThrow();
            System.out.printf(
                    "Database restart under %d labelers and a training run: server down %d ms; labelers saw 503s"
                            + " from %d ms to %d ms after the stop (%d answers of 503, no other error); after the"
                            + " server accepted connections again the first labeler was served in %d ms and all %d in"
                            + " %d ms, and the run's next metric point was written in %d ms; %d demonstrations"
                            + " acknowledged (%d before the stop); the run was at step %d of %d when the server"
                            + " stopped; labeling-web was up %d s after the test began, the server stopped at %d s%n",
                    LABELERS,
                    millis(restarted - stopped),
                    millis(first503 - stopped),
                    millis(last503 - stopped),
                    outage.size(),
                    millis(firstServed - restarted),
                    LABELERS,
                    millis(allServed - restarted),
                    Duration.between(restartedAt, workerBack).toMillis(),
                    acknowledged.size(),
                    acknowledgedBefore,
                    stepBefore,
                    STEPS,
                    (webReady - started) / 1_000_000_000,
                    (stopped - started) / 1_000_000_000);
            assertThat(web.alive()).as("labeling-web was never restarted").isTrue();

            // Every acknowledged demonstration stored exactly once (found by its text, which no other submission
            // has), and nothing stored that was not acknowledged.
            Map<String, Long> stored = jdbc
                    .sql("""
                            SELECT text, count(*) AS copies FROM demonstration
                            WHERE text LIKE :marker AND status = 'SUBMITTED' GROUP BY text""")
                    .param("marker", "Restart answer of restart-" + fixtures.tag + "-%")
                    .query((rs, i) -> Map.entry(rs.getString("text"), rs.getLong("copies")))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(stored.keySet()).isEqualTo(Set.copyOf(acknowledged));
            assertThat(stored.values()).allMatch(copies -> copies == 1);

            // The run went on under its first claim to the end, every step's metric once, one READY checkpoint.
            WorkerProcess.await(
                    Duration.ofSeconds(240),
                    () -> !List.of("QUEUED", "RUNNING").contains(fixtures.status(run)),
                    () -> "the run is " + fixtures.status(run) + " at step " + step(run) + ": " + fixtures.log(run));
            assertThat(fixtures.status(run))
                    .as(String.join("\n", fixtures.log(run)))
                    .isEqualTo("SUCCEEDED");
            assertThat(fixtures.log(run))
                    .filteredOn(l -> l.contains("Started by worker"))
                    .hasSize(1);
            assertThat(jdbc.sql("SELECT attempts FROM training_run WHERE id = :id")
                            .param("id", run)
                            .query(Integer.class)
                            .single())
                    .isEqualTo(1);
            assertThat(jdbc.sql("SELECT count(*) || '/' || count(DISTINCT step) FROM training_metric"
                                    + " WHERE run_id = :id AND name = 'sft/loss'")
                            .param("id", run)
                            .query(String.class)
                            .single())
                    .as("points/steps of sft/loss")
                    .isEqualTo(STEPS + "/" + STEPS);
            assertThat(jdbc.sql("SELECT status FROM model_checkpoint WHERE training_run_id = :id")
                            .param("id", run)
                            .query(String.class)
                            .list())
                    .containsExactly("READY");
            assertThat(worker.isRunning()).isTrue();
        }
    }

    /** Labeler accounts made as the demo labeler is (its password, {@value #PASSWORD}), one per simulated labeler. */
    private List<String> labelerAccounts(String tag) {
        List<String> names = IntStream.rangeClosed(1, LABELERS)
                .mapToObj(i -> "restart-" + tag + "-" + i)
                .toList();
        for (String name : names) {
            jdbc.sql("""
                            WITH u AS (INSERT INTO app_user (username, display_name, password_hash)
                                       SELECT :u, :u, password_hash FROM app_user WHERE username = 'labeler'
                                       RETURNING id)
                            INSERT INTO app_user_role (user_id, role) SELECT id, 'LABELER' FROM u""").param("u", name).update();
        }
        return names;
    }

    /**
     * One simulated labeler until told to stop: claims the next demonstration task, writes a text no other submission
     * has, and submits it; a 503 is answered as its Retry-After asks (waiting, then the same request again), so a
     * submission whose acknowledgement was lost is sent again with the same lease and text. Ends with the submission in
     * hand acknowledged.
     */
    private static void label(
            LabelingWebProcess web, String labeler, AtomicBoolean stop, Queue<Seen> seen, Set<String> acknowledged)
            throws IOException, InterruptedException {
        for (int n = 1; !stop.get(); n++) {
            LabelingWebProcess.Answer task =
                    untilServed(web, labeler, "/api/labeler/tasks/next?kind=DEMONSTRATION", Map.of(), seen);
            if (task.status() == 204) {
                throw new AssertionError(labeler + " found the queue empty");
            }
            long lease = task.json().path("leaseId").asLong();
            String text = "Restart answer of " + labeler + ", number " + n + ", lease " + lease;
            untilServed(web, labeler, "/api/labeler/demonstrations/" + lease, Map.of("text", text), seen);
            acknowledged.add(text);
            Thread.sleep(ThreadLocalRandom.current().nextLong(100, 300)); // a little thinking
        }
    }

    /** The request again while it answers 503 (after the Retry-After it names); any other answer but 2xx fails. */
    private static LabelingWebProcess.Answer untilServed(
            LabelingWebProcess web, String labeler, String path, Object body, Queue<Seen> seen)
            throws IOException, InterruptedException {
        while (true) {
            LabelingWebProcess.Answer answer = web.post(labeler, PASSWORD, path, body);
            String retryAfter = answer.header("Retry-After").orElse(null);
            seen.add(new Seen(
                    labeler,
                    answer.status(),
                    System.nanoTime(),
                    retryAfter,
                    answer.header("Content-Type").orElse(""),
                    answer.status() < 300 ? "" : answer.body()));
            if (answer.status() != 503) {
                if (answer.status() >= 300) {
                    throw new AssertionError(
                            labeler + ": " + path + " answered " + answer.status() + " " + answer.body());
                }
                return answer;
            }
            if (retryAfter == null) {
                throw new AssertionError(labeler + ": a 503 without Retry-After: " + answer.body());
            }
            Thread.sleep(Duration.ofSeconds(Long.parseLong(retryAfter)).toMillis());
        }
    }

    /** How many labelers were served (anything but a 503) since the given instant. */
    private static long recoveredLabelers(Queue<Seen> seen, long since) {
        return seen.stream()
                .filter(s -> s.at() > since && s.status() != 503)
                .map(Seen::labeler)
                .distinct()
                .count();
    }

    private Instant firstPointAfter(long run, Instant after) {
        return jdbc.sql("SELECT min(recorded_at) FROM training_metric WHERE run_id = :id AND recorded_at > :after")
                .param("id", run)
                .param("after", Timestamp.from(after))
                .query(Timestamp.class)
                .optional()
                .map(Timestamp::toInstant)
                .orElse(null);
    }

    private int step(long run) {
        return jdbc.sql("SELECT current_step FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Integer.class)
                .single();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
