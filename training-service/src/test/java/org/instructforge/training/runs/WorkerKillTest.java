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
 * A worker process killed with SIGKILL mid-run (no shutdown hook, no last write): its run stays RUNNING until the
 * worker starts again, which puts it back in the queue at once and resumes it from its last checkpoint to the end.
 * The worker is a real training-service process on this test's database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WorkerKillTest {

    @Autowired
    HikariDataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aKilledWorkersRunResumesFromItsLastCheckpointWhenTheWorkerRestarts() throws Exception {
        jdbc.sql("UPDATE training_run SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')")
                .update();
        LoopFixtures fixtures = new LoopFixtures(jdbc);
        long run = fixtures.run(
                "SFT",
                "{\"epochs\":40,\"batchSize\":4,\"evalEvery\":1000,\"checkpointEvery\":3}",
                fixtures.datasetWithDemonstrations(),
                fixtures.baseCheckpoint(),
                null,
                null);
        Path root = Files.createTempDirectory("worker-kill-");
        Path log = Path.of("target", "worker-kill.log").toAbsolutePath();

        WorkerProcess first = WorkerProcess.start(dataSource, "kill-test", root, log);
        try {
            await(Duration.ofSeconds(180), () -> step(run) >= 7, () -> "run never passed step 7:\n" + first.tail());
        } finally {
            first.kill(); // SIGKILL: the worker writes nothing more
        }
        int killedAt = step(run);
        assertThat(fixtures.status(run))
                .as("a dead worker's run looks RUNNING until someone notices")
                .isEqualTo("RUNNING");

        try (WorkerProcess second = WorkerProcess.start(dataSource, "kill-test", root, log)) {
            await(
                    Duration.ofSeconds(240),
                    () -> fixtures.status(run).equals("SUCCEEDED"),
                    () -> "run is " + fixtures.status(run) + ":\n" + String.join("\n", fixtures.log(run)) + "\n"
                            + second.tail());
        }

        List<String> lines = fixtures.log(run);
        assertThat(lines).anyMatch(l -> l.startsWith("WARN Worker kill-test stopped while running this run"));
        String resumed = lines.stream()
                .filter(l -> l.contains("Resumed sft from its checkpoint at step "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(String.join("\n", lines)));
        int resumedAt = Integer.parseInt(resumed.replaceAll(".*at step (\\d+) .*", "$1"));
        // The last complete checkpoint (every 3 steps) before the kill; the one being written then never counts.
        assertThat(resumedAt % 3).isZero();
        assertThat(resumedAt).isBetween(Math.max(3, killedAt - 5), killedAt);
        assertThat(jdbc.sql("SELECT count(DISTINCT step) FROM training_metric WHERE run_id = :id AND name = 'sft/loss'")
                        .param("id", run)
                        .query(Long.class)
                        .single())
                .as("every step's loss once, none lost to the kill")
                .isEqualTo(80L);
        assertThat(jdbc.sql("SELECT status FROM model_checkpoint WHERE training_run_id = :id")
                        .param("id", run)
                        .query(String.class)
                        .single())
                .isEqualTo("READY");
    }

    private int step(long run) {
        return jdbc.sql("SELECT current_step FROM training_run WHERE id = :id")
                .param("id", run)
                .query(Integer.class)
                .single();
    }
}
