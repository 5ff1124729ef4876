package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.training.runs.WorkerProcess.await;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two workers on two "hosts" (processes) and one run: the first is paused with SIGSTOP past the stale limit, the
 * second recovers the run and resumes it from its last checkpoint, and then the first is let go on (SIGCONT), unaware
 * that time has passed. It finds it lost the run and stops it; nothing it still had in hand lands (no metric point, log
 * line, progress or checkpoint of its attempt after the takeover), and the run finishes once, under the second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WorkerFencingTest {

    /** Short enough for a test, long against the 500 ms heartbeat. */
    private static final String[] STALE_AFTER_3S = {"--instructforge.runs.stale-after=3s"};

    @Autowired
    HikariDataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPausedWorkerThatComesBackAfterItsRunWasResumedElsewhereWritesNothingMore() throws Exception {
        LoopFixtures fixtures = new LoopFixtures(jdbc);
        fixtures.cancelOpenRuns();
        long run = fixtures.run(
                "SFT",
                "{\"epochs\":40,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":3}",
                fixtures.datasetWithDemonstrations(),
                fixtures.baseCheckpoint(),
                null,
                null);
        Path root = Files.createTempDirectory("worker-fencing-");
        Path firstLog = Path.of("target", "worker-fencing-first.log").toAbsolutePath();
        Path secondLog = Path.of("target", "worker-fencing-second.log").toAbsolutePath();
        Files.deleteIfExists(firstLog);

        try (WorkerProcess first = WorkerProcess.start(dataSource, "fence-first", root, firstLog, STALE_AFTER_3S)) {
            await(Duration.ofSeconds(180), () -> step(run) >= 7, () -> "run never passed step 7:\n" + first.tail());
            first.pause();
            int pausedAt = step(run);

            try (WorkerProcess second =
                    WorkerProcess.start(dataSource, "fence-second", root, secondLog, STALE_AFTER_3S)) {
                await(
                        Duration.ofSeconds(180),
                        () -> holder(run).equals("fence-second 2") && step(run) >= pausedAt + 3,
                        () -> "the second worker never resumed the run past step " + (pausedAt + 3) + " (it is "
                                + holder(run) + " at step " + step(run) + "):\n" + second.tail());
                first.resume();
                await(
                        Duration.ofSeconds(60),
                        () -> Files.readString(firstLog).contains("worker fence-first lost it (attempt 1"),
                        () -> "the first worker never noticed it lost the run:\n" + first.tail());
                await(
                        Duration.ofSeconds(240),
                        () -> fixtures.status(run).equals("SUCCEEDED"),
                        () -> "run is " + fixtures.status(run) + ":\n" + String.join("\n", fixtures.log(run)) + "\n"
                                + second.tail());
                assertThat(first.isAlive())
                        .as("losing a run is no crash: the worker goes back to the queue")
                        .isTrue();
            }
        }

        List<String> lines = fixtures.log(run);
        String resumed = lines.stream()
                .filter(l -> l.contains("Resumed sft from its checkpoint at step "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(String.join("\n", lines)));
        int resumedAt = Integer.parseInt(resumed.replaceAll(".*at step (\\d+) .*", "$1"));
        // The takeover: the first line the second attempt wrote. Nothing of attempt 1 is newer.
        assertThat(query(
                        "SELECT count(*) FROM training_run_log WHERE run_id = :run AND attempt = 1"
                                + " AND logged_at >= (SELECT min(logged_at) FROM training_run_log"
                                + "                   WHERE run_id = :run AND attempt = 2)",
                        run))
                .as("log lines of the first attempt after the takeover")
                .isZero();
        assertThat(query(
                        "SELECT count(*) FROM training_metric WHERE run_id = :run AND attempt = 1"
                                + " AND (step > :resumedAt OR recorded_at >= (SELECT min(logged_at) FROM training_run_log"
                                + "                                      WHERE run_id = :run AND attempt = 2))",
                        run,
                        resumedAt))
                .as("metric points of the first attempt past the checkpoint the second resumed from")
                .isZero();
        assertThat(query(
                        "SELECT count(DISTINCT step) FROM training_metric WHERE run_id = :run AND name = 'sft/loss'",
                        run))
                .as("every step's loss once")
                .isEqualTo(80L);
        assertThat(jdbc.sql("SELECT status || ' ' || storage_path FROM model_checkpoint WHERE training_run_id = :run")
                        .param("run", run)
                        .query(String.class)
                        .list())
                .as("one checkpoint, registered by the second attempt")
                .singleElement()
                .satisfies(c -> assertThat(c).startsWith("READY ").endsWith("-attempt-2"));
        assertThat(holder(run)).isEqualTo("fence-second 2");
        assertThat(lines.stream().filter(l -> l.equals("INFO Succeeded"))).hasSize(1);
    }

    /** Which worker holds the run, under which attempt: {@code "worker attempts"}. */
    private String holder(long run) {
        return jdbc.sql("SELECT COALESCE(worker_id, '-') || ' ' || attempts FROM training_run WHERE id = :id")
                .param("id", run)
                .query(String.class)
                .single();
    }

    private int step(long run) {
        return jdbc.sql("SELECT current_step FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Integer.class)
                .single();
    }

    private long query(String sql, long run) {
        return query(sql, run, 0);
    }

    private long query(String sql, long run, int resumedAt) {
        var statement = jdbc.sql(sql).param("run", run);
        if (sql.contains(":resumedAt")) {
            statement = statement.param("resumedAt", resumedAt);
        }
        return statement.query(Long.class).single();
    }
}
