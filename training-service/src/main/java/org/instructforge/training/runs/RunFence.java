package org.instructforge.training.runs;

import java.time.Duration;
import java.util.function.Supplier;
import org.instructforge.shared.db.DatabaseUnreachable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one rule every write a worker makes for a run obeys (metrics, log lines, progress, heartbeats, round tasks,
 * checkpoint rows, the run's end): it lands only while the run is still RUNNING (or being cancelled) under the
 * attempt this worker claimed ({@link ClaimedRun#attempt()}, {@link ClaimedRun#worker()}). A worker that was presumed
 * dead and comes back (a paused process, a host cut off past the stale limit) holds an older attempt than the run
 * has since been claimed under, so nothing it still tries to write lands: it gets {@link RunLost} instead.
 *
 * <p>Each write is one transaction that first locks the run row, if it still is this attempt's, with the strength of
 * an ordinary update ({@code FOR NO KEY UPDATE}). The queue's recovery skips a row so locked ({@code SKIP LOCKED}) and
 * retries on its next round, and a write that comes after the recovery committed finds the row changed. So a write
 * lands wholly before the run was taken away or not at all, never beside the next attempt's. The same strength as
 * the updates in the writes keeps a worker's heartbeat and its trainer's writes from deadlocking: they take turns.
 *
 * <p>Graceful release gives the attempt back ({@link RunQueue#release}), so the number can be claimed again; but only
 * after its holder released it and stopped writing. An attempt taken away by recovery is never issued again (the
 * requeued run keeps its count, and the next claim adds one), which is what the fence relies on.
 */
@Component
class RunFence {

    private static final Logger log = LoggerFactory.getLogger(RunFence.class);
    /** How often a write waiting out a database outage tries again. */
    private static final Duration RETRY_EVERY = Duration.ofMillis(500);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    RunFence(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Runs {@code write} in a transaction that holds the run for this attempt, or throws {@link RunLost}. While the
     * database is out of reach (restarting, failing over) it waits and tries again, so that the trainer pauses instead
     * of failing the run; if the outage outlasted the stale limit and another worker took the run over meanwhile, the
     * next try finds it lost. A write inside another one is tried once: the outermost write repeats the whole.
     */
    <T> T write(ClaimedRun run, Supplier<T> write) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return writeOnce(run, write);
        }
        long since = 0;
        while (true) {
            try {
                T result = writeOnce(run, write);
                if (since != 0) {
                    log.info(
                            "run {}: the database answers again; the write waited {} ms",
                            run.id(),
                            (System.nanoTime() - since) / 1_000_000);
                }
                return result;
            } catch (RuntimeException e) {
                if (!DatabaseUnreachable.causedBy(e)) {
                    throw e;
                }
                if (since == 0) {
                    since = System.nanoTime();
                    log.warn(
                            "run {}: the database is out of reach; the write waits for it ({})",
                            run.id(),
                            e.getMessage());
                }
                waitBeforeRetry(e);
            }
        }
    }

    void write(ClaimedRun run, Runnable write) {
        write(run, () -> {
            write.run();
            return null;
        });
    }

    /** One try, for a write that is repeated anyway (the heartbeat): a failure is thrown, outage or not. */
    <T> T writeOnce(ClaimedRun run, Supplier<T> write) {
        return transactions.execute(tx -> {
            hold(run);
            return write.get();
        });
    }

    private static void waitBeforeRetry(RuntimeException outage) {
        try {
            Thread.sleep(RETRY_EVERY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker is stopping: give up the write
            throw outage;
        }
    }

    /** Locks the run row for the rest of the transaction if this attempt still holds it. */
    private void hold(ClaimedRun run) {
        jdbc.sql("""
                        SELECT status FROM training_run
                        WHERE id = :id AND attempts = :attempt AND worker_id = :worker
                          AND status IN ('RUNNING', 'CANCEL_REQUESTED')
                        FOR NO KEY UPDATE
                        """)
                .param("id", run.id())
                .param("attempt", run.attempt())
                .param("worker", run.worker())
                .query(String.class)
                .optional()
                .orElseThrow(() -> new RunLost(run));
    }
}
