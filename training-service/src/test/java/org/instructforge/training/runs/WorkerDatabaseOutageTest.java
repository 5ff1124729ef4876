package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.training.runs.WorkerProcess.await;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.instructforge.shared.db.RestartablePostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL restarts under a training run. This test owns its server (a separate process on its own port and data
 * folder, reached as an external database, as labeling-web's DatabaseOutageTest does) so that it can stop it and
 * start it again while the service's own worker loop trains: the worker neither crashes nor fails the run, its writes
 * wait for the database, and the run goes on to the end with every step's metrics once and one checkpoint; a run
 * queued after the restart is served by the same worker, never restarted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "instructforge.runs.worker-enabled=true",
            "instructforge.runs.worker-id=outage-worker",
            "instructforge.runs.poll-interval=200ms",
            "instructforge.runs.heartbeat-interval=500ms",
            "instructforge.runs.stale-after=60s"
        })
class WorkerDatabaseOutageTest {

    /** How long the database stays down: longer than Hikari's 5 s connection timeout, shorter than the stale limit. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    private static RestartablePostgres database;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RunWorker worker;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        database = RestartablePostgres.start("worker-outage-pg");
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
    }

    @Test
    void aRunGoesOnWhenTheDatabaseRestartsUnderItAndTheWorkerServesOnWithoutARestart() throws Exception {
        LoopFixtures fixtures = new LoopFixtures(jdbc);
        long dataset = fixtures.datasetWithDemonstrations();
        long base = fixtures.baseCheckpoint();
        long run = fixtures.run(
                "SFT",
                "{\"epochs\":40,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":3}",
                dataset,
                base,
                null,
                null);
        await(Duration.ofSeconds(180), () -> step(run) >= 7, () -> "run never passed step 7: " + fixtures.log(run));

        database.stop();
        long stopped = System.nanoTime();
        Thread.sleep(OUTAGE.toMillis());
        database.startAgain();
        long restarted = System.nanoTime();
        Instant restartedAt = Instant.now();
        // The first metric point written after the restart (its recorded_at is its transaction's start).
        await(
                Duration.ofSeconds(60),
                () -> firstPointAfter(run, restartedAt) != null,
                () -> "the run made no progress after the restart: " + fixtures.log(run));
        System.out.printf(
                "Database outage under a training run: down %d ms; the run's next metric point was written %d ms"
                        + " after the server accepted connections again%n",
                (restarted - stopped) / 1_000_000,
                Duration.between(restartedAt, firstPointAfter(run, restartedAt)).toMillis());

        await(
                Duration.ofSeconds(240),
                () -> fixtures.status(run).equals("SUCCEEDED"),
                () -> "run is " + fixtures.status(run) + ": " + String.join("\n", fixtures.log(run)));
        List<String> lines = fixtures.log(run);
        assertThat(lines).noneMatch(l -> l.startsWith("ERROR"));
        assertThat(lines).filteredOn(l -> l.contains("Started by worker")).hasSize(1);
        assertThat(jdbc.sql("SELECT attempts FROM training_run WHERE id = :id")
                        .param("id", run)
                        .query(Integer.class)
                        .single())
                .as("the run went on under its first claim")
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(DISTINCT step) FROM training_metric WHERE run_id = :id AND name = 'sft/loss'")
                        .param("id", run)
                        .query(Long.class)
                        .single())
                .as("every step's loss once, none lost to the outage")
                .isEqualTo(80L);
        assertThat(jdbc.sql("SELECT status FROM model_checkpoint WHERE training_run_id = :id")
                        .param("id", run)
                        .query(String.class)
                        .list())
                .containsExactly("READY");

        // The same worker, never restarted, takes the next run.
        long next = fixtures.run("SFT", RunWorkerTest.SMALL_SFT, dataset, base, null, null);
        await(
                Duration.ofSeconds(180),
                () -> fixtures.status(next).equals("SUCCEEDED"),
                () -> "the next run is " + fixtures.status(next) + ": " + fixtures.log(next));
        assertThat(worker.isRunning()).isTrue();
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
}
