package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunStatus;
import org.instructforge.training.BaseModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The attempt fence on the real schema, without training: a worker whose run was requeued and claimed again (by
 * another worker, or by a restarted life of itself under the same id) can write nothing more for it, and a write
 * that began before the requeue either lands whole before it or keeps the requeue waiting.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"instructforge.runs.heartbeat-interval=200ms", "instructforge.runs.stale-after=30s"})
class RunFenceTest {

    private static final Duration STALE = Duration.ofSeconds(30);

    @Autowired
    RunQueue queue;

    @Autowired
    RunFence fence;

    @Autowired
    TrainingJobs trainingJobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TrainingMetrics metrics;

    LoopFixtures fixtures;
    long run;

    @BeforeEach
    void oneQueuedRun() {
        fixtures = new LoopFixtures(jdbc);
        fixtures.cancelOpenRuns();
        run = fixtures.run("SFT", "{}", fixtures.dataset(), fixtures.baseCheckpoint(), null, null);
    }

    @Test
    void aWorkerPresumedDeadWritesNothingOnceAnotherWorkerResumedItsRun() throws Exception {
        ClaimedRun first = queue.claim("fence-a").orElseThrow();
        new RunReporter(jdbc, fence, queue, first, metrics).info("written while holding the run");
        presumeDead();
        ClaimedRun second = queue.claim("fence-b").orElseThrow();
        assertThat(second.attempt()).isEqualTo(first.attempt() + 1);

        RunReporter old = new RunReporter(jdbc, fence, queue, first, metrics);
        assertThatThrownBy(() -> old.record("sft", 5, Map.of("loss", 1.0))).isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> old.info("written after the takeover")).isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> old.resumedAt("sft", 0)).isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> queue.progress(first, 7)).isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> queue.finish(first, RunStatus.FAILED, "old worker", null))
                .isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> queue.release(first)).isInstanceOf(RunLost.class);
        assertThatThrownBy(() -> trainingJobs.publish(
                        first, CheckpointKind.SFT, null, null, null, BaseModel.dir(), Map.of(), old))
                .isInstanceOf(RunLost.class);
        assertThat(queue.heartbeat(first)).isEqualTo(RunQueue.Signal.LOST);

        assertThat(count("SELECT count(*) FROM training_metric WHERE run_id = :run"))
                .isZero();
        assertThat(count("SELECT count(*) FROM model_checkpoint WHERE training_run_id = :run"))
                .isZero();
        assertThat(fixtures.log(run))
                .anyMatch(l -> l.contains("written while holding the run"))
                .noneMatch(l -> l.contains("written after the takeover"));
        assertThat(jdbc.sql("SELECT status || ' ' || worker_id || ' ' || attempts || ' ' || current_step"
                                + " FROM training_run WHERE id = :run")
                        .param("run", run)
                        .query(String.class)
                        .single())
                .isEqualTo("RUNNING fence-b 2 0");

        // The worker holding it now writes as before.
        RunReporter current = new RunReporter(jdbc, fence, queue, second, metrics);
        current.record("sft", 1, Map.of("loss", 2.0));
        assertThat(count("SELECT count(*) FROM training_metric WHERE run_id = :run"))
                .isEqualTo(1);
        assertThat(queue.heartbeat(second)).isEqualTo(RunQueue.Signal.CONTINUE);
    }

    @Test
    void aRestartedWorkerUnderTheSameIdFencesOutItsEarlierLife() {
        ClaimedRun earlier = queue.claim("fence-same").orElseThrow();
        assertThat(queue.recover("fence-same", STALE, 3))
                .extracting(RunQueue.Recovered::id)
                .contains(run);
        ClaimedRun later = queue.claim("fence-same").orElseThrow();
        assertThat(later.worker()).isEqualTo(earlier.worker());

        assertThatThrownBy(() -> queue.progress(earlier, 3)).isInstanceOf(RunLost.class);
        assertThat(queue.heartbeat(earlier)).isEqualTo(RunQueue.Signal.LOST);
        queue.progress(later, 4);
        assertThat(count("SELECT current_step FROM training_run WHERE id = :run"))
                .isEqualTo(4);
    }

    @Test
    void aWriteInFlightKeepsTheRunFromBeingRequeuedUntilItHasLanded() throws Exception {
        ClaimedRun holder = queue.claim("fence-slow").orElseThrow();
        // Stale before the write begins: an update of the row would wait for the write's lock like recovery does.
        jdbc.sql("UPDATE training_run SET heartbeat_at = now() - interval '10 minutes' WHERE id = :run")
                .param("run", run)
                .update();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> fence.write(holder, () -> {
            jdbc.sql("INSERT INTO training_run_log (run_id, level, message) VALUES (:run, 'INFO', 'in flight')")
                    .param("run", run)
                    .update();
            inside.countDown();
            await(release);
        }));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.recover(null, STALE, 3))
                .as("the write holds the run row: recovery passes it over for now")
                .extracting(RunQueue.Recovered::id)
                .doesNotContain(run);

        release.countDown();
        write.get(30, TimeUnit.SECONDS);
        assertThat(fixtures.log(run)).anyMatch(l -> l.contains("in flight"));
        presumeDead();
        assertThat(fixtures.status(run)).isEqualTo("QUEUED");
    }

    /** The run's worker stopped heartbeating past the stale limit, and another worker's recovery requeued it. */
    private void presumeDead() {
        jdbc.sql("UPDATE training_run SET heartbeat_at = now() - interval '10 minutes' WHERE id = :run")
                .param("run", run)
                .update();
        assertThat(queue.recover(null, STALE, 3))
                .extracting(RunQueue.Recovered::id)
                .contains(run);
    }

    private long count(String sql) {
        return jdbc.sql(sql).param("run", run).query(Long.class).single();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
