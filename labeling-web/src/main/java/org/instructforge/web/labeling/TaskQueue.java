package org.instructforge.web.labeling;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.instructforge.web.account.AccountDisabled;
import org.springframework.context.event.EventListener;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.ResponseStatusException;

/**
 * The labelers' task queue: demonstrations (prompts), rankings and comparisons. A labeler takes the next task
 * as a lease with an expiry; the item's row is locked with {@code FOR UPDATE SKIP LOCKED} while the lease is
 * written, so concurrent labelers never take the same slot, and an item never has more labels plus live
 * leases than it wants (overlap: see {@code labels_wanted} in the schema; the counters on the item row: V022,
 * V023). A labeler never gets an item twice (a unique index), never ranks outputs they wrote, and never takes
 * more than N tasks a minute. Tasks of a label round are served only while the round is OPEN.
 */
@Service
public class TaskQueue {

    /**
     * Counts per task kind for one labeler: tasks waiting in the queue, tasks already leased to them (which "next
     * task" hands back first), and what they have done.
     */
    public record Summary(
            long demonstrationsWaiting,
            long rankingsWaiting,
            long comparisonsWaiting,
            long demonstrationsDone,
            long rankingsDone,
            long comparisonsDone,
            long demonstrationsHeld,
            long rankingsHeld,
            long comparisonsHeld) {

        public boolean nothingWaiting() {
            return demonstrationsWaiting + rankingsWaiting + comparisonsWaiting + heldInAll() == 0;
        }

        public long heldInAll() {
            return demonstrationsHeld + rankingsHeld + comparisonsHeld;
        }
    }

    /**
     * Prompts that want demonstrations: usable (active and PII-cleared: {@code prompt_usable}, V027), of a dataset
     * open to the labeler's teams ({@code dataset_open_to}, V040), in the splits SFT trains and validates on.
     * The datasets are chosen first, in a subquery kept apart by {@code OFFSET 0}: PostgreSQL cannot inline
     * {@code dataset_open_to} (it holds subqueries), and joined in the main query it ran once per prompt row.
     */
    private static final String OPEN_PROMPTS = """
            FROM prompt p JOIN (SELECT * FROM prompt_dataset WHERE status = 'ACTIVE' AND dataset_open_to(id, :me)
                                OFFSET 0) d ON d.id = p.dataset_id
            WHERE prompt_usable(p)
              AND p.split IN ('TRAIN', 'VALID')
              AND p.demonstrations_done + p.demonstrations_leased
                  < labels_wanted(p.id, d.labels_per_item, d.overlap_share)
              AND NOT EXISTS (SELECT 1 FROM task_assignment a WHERE a.prompt_id = p.id AND a.labeler_id = :me)
            """;

    /**
     * A task of a label round waits only while the round is OPEN (not while its run still writes the tasks, nor
     * once it is CLOSED or FAILED), and only for people when the round is not left to the AI labeler (RLAIF).
     */
    private static final String IN_OPEN_HUMAN_ROUND = """
              AND (t.round_id IS NULL OR EXISTS (SELECT 1 FROM label_round r WHERE r.id = t.round_id
                                                 AND r.status = 'OPEN' AND r.feedback_source = 'HUMAN'))
            """;

    /**
     * A ranking or comparison task waits only while its prompt is usable (V027): a prompt retired or sent back to
     * PII review after its outputs were written is never shown. And only for labelers of the teams its dataset is
     * given to, if any (V040).
     */
    private static final String OF_USABLE_PROMPT = """
              AND EXISTS (SELECT 1 FROM prompt p WHERE p.id = t.prompt_id AND prompt_usable(p)
                          AND dataset_open_to(p.dataset_id, :me))
            """;

    /** Ranking tasks that want rankings and hold nothing this labeler wrote. */
    private static final String OPEN_RANKINGS = """
            FROM ranking_task t
            WHERE t.status = 'OPEN' AND t.rankings_done + t.rankings_leased < t.labels_wanted
              AND NOT EXISTS (SELECT 1 FROM task_assignment a WHERE a.ranking_task_id = t.id AND a.labeler_id = :me)
              AND NOT EXISTS (SELECT 1 FROM ranking_candidate c WHERE c.task_id = t.id AND c.author_user_id = :me)
            """ + OF_USABLE_PROMPT + IN_OPEN_HUMAN_ROUND;

    /** Pairwise comparisons (evaluation) that want judgements. */
    private static final String OPEN_COMPARISONS = """
            FROM comparison_task t
            WHERE t.status = 'OPEN' AND t.judgements_done + t.judgements_leased < t.labels_wanted
              AND NOT EXISTS (SELECT 1 FROM task_assignment a WHERE a.comparison_task_id = t.id AND a.labeler_id = :me)
            """ + OF_USABLE_PROMPT + IN_OPEN_HUMAN_ROUND;

    /** Prompts an engineer asked for in an OPEN demonstration round (V025); the queue offers them first. */
    private static final String IN_DEMONSTRATION_ROUND = """
              AND p.id IN (SELECT rp.prompt_id FROM label_round_prompt rp JOIN label_round r ON r.id = rp.round_id
                           WHERE r.kind = 'DEMONSTRATION' AND r.status = 'OPEN')
            """;

    /** The prompt of lease {@code a}'s item, whatever its kind. */
    private static final String LEASE_PROMPT = """
            COALESCE(a.prompt_id, (SELECT r.prompt_id FROM ranking_task r WHERE r.id = a.ranking_task_id),
                     (SELECT c.prompt_id FROM comparison_task c WHERE c.id = a.comparison_task_id))""";

    /**
     * The labeler's tasks in hand: leased, with time left, and of a usable prompt (a withdrawn prompt's leases end
     * at once anyway, this only closes the gap until the sweeper has run). Oldest first.
     */
    private static final String HELD_LEASES = """
            FROM task_assignment a JOIN prompt p ON p.id = """ + LEASE_PROMPT + """
            WHERE a.labeler_id = :me AND a.status = 'LEASED' AND a.lease_expires_at > now() AND prompt_usable(p)
            """;

    /** Why a task whose prompt was withdrawn (back in PII review, or retired) can be neither shown nor submitted. */
    public static final String PROMPT_WITHDRAWN = "This prompt was withdrawn (back in PII review, or retired); what you"
            + " wrote is kept for when it is cleared. Take a new task meanwhile.";

    /** Fewest labels done or in hand first (the index of V052), so claims spread over the least-labelled prompts. */
    private static final String DEMONSTRATION_ORDER = "p.demonstrations_done + p.demonstrations_leased, p.id";

    /**
     * Where a kind's items live, and the counters of finished labels and live leases on each item row (V022 for
     * prompts and rankings, V023 for comparisons). Claims lock the item row and test "done + leased < wanted" on
     * it alone, so PostgreSQL re-checks the condition on the newest row version and two concurrent claims never
     * both take the last slot; every claim, submit, skip and expiry moves the counters in the same transaction.
     */
    private record Items(String table, String done, String leased, String assignmentColumn) {
        static Items of(TaskKind kind) {
            return switch (kind) {
                case DEMONSTRATION -> new Items("prompt", "demonstrations_done", "demonstrations_leased", "prompt_id");
                case RANKING -> new Items("ranking_task", "rankings_done", "rankings_leased", "ranking_task_id");
                case COMPARISON ->
                    new Items("comparison_task", "judgements_done", "judgements_leased", "comparison_task_id");
            };
        }
    }

    private final JdbcClient jdbc;
    private final LabelingProperties properties;
    private final ClaimRateLimiter rateLimiter;
    private final TransactionTemplate transactions;

    /** How often a claim or a skip is run when PostgreSQL keeps choosing it as a deadlock's victim. */
    static final int DEADLOCK_ATTEMPTS = 3;

    TaskQueue(
            JdbcClient jdbc,
            LabelingProperties properties,
            ClaimRateLimiter rateLimiter,
            PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.rateLimiter = rateLimiter;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /**
     * "Next task": the oldest task of this kind the labeler already holds (with time left), else a new one from the
     * queue, else nothing. Handing back a held task first means a labeler who left a task (closed tab, back to the
     * home page) finds it again instead of the queue reserving it for them unseen until it expires.
     */
    public Optional<Lease> next(String username, TaskKind kind) {
        return retryingDeadlocks(() -> {
            long me = labelerId(username);
            Optional<Lease> held = jdbc.sql(
                            "SELECT a.id " + HELD_LEASES + " AND a.task_kind = :kind ORDER BY a.leased_at" + " LIMIT 1")
                    .param("me", me)
                    .param("kind", kind.name())
                    .query(Long.class)
                    .optional()
                    .map(this::lease);
            return held.isPresent() ? held : claimOnce(username, kind);
        });
    }

    /** A task in the labeler's hands, for "My tasks". */
    public record HeldTask(long leaseId, TaskKind kind, String prompt, Instant expiresAt) {

        private static final int START_CHARS = 80;

        /** The prompt's first words, enough to recognise it. */
        public String promptStart() {
            String oneLine = prompt.strip().replaceAll("\\s+", " ");
            return oneLine.length() <= START_CHARS ? oneLine : oneLine.substring(0, START_CHARS - 1) + "…";
        }

        /** Whole minutes left on the lease, rounded up (a lease with 20 s left shows "1 min"). */
        public long minutesLeft() {
            long seconds = Math.max(
                    0, java.time.Duration.between(Instant.now(), expiresAt).toSeconds());
            return (seconds + 59) / 60;
        }

        /** The task's page. */
        public String page() {
            return kind.page() + leaseId;
        }
    }

    /** Every task the labeler holds, the one expiring first on top. */
    @Transactional(readOnly = true)
    public List<HeldTask> heldBy(String username) {
        return jdbc.sql("SELECT a.id, a.task_kind, p.text, a.lease_expires_at " + HELD_LEASES
                        + " ORDER BY a.lease_expires_at, a.id")
                .param("me", labelerIdOrZero(username))
                .query((rs, n) -> new HeldTask(
                        rs.getLong(1),
                        TaskKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    /** Takes a new task of this kind for the labeler, or nothing when none is waiting. */
    public Optional<Lease> claimNext(String username, TaskKind kind) {
        return retryingDeadlocks(() -> claimOnce(username, kind));
    }

    /**
     * Runs a claim or a skip in a transaction of its own, and again when PostgreSQL ends it as a deadlock's victim. A
     * claim that found only rows other claims hold waits for them ({@link #itemAfterWaiting}), and a row it waited for
     * and then passed over (no slot left) stays locked to it until it ends, so two such claims can wait for each
     * other's rows, and a skip (its lease row, then its item's counter) can be caught in such a cycle as well; the
     * victim's work, a claim's rate-limit count included, is rolled back whole, so running it again counts it once.
     * Inside a caller's transaction it cannot start over, and runs once.
     */
    private <T> T retryingDeadlocks(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(status -> work.get());
            } catch (PessimisticLockingFailureException e) {
                if (attempt == DEADLOCK_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Optional<Lease> claimOnce(String username, TaskKind kind) {
        long me = labelerId(username);
        rateLimiter.acquire(username);
        Optional<Long> item = switch (kind) {
            case DEMONSTRATION ->
                (demonstrationRoundOpen()
                                ? freeItem("p", OPEN_PROMPTS + IN_DEMONSTRATION_ROUND, DEMONSTRATION_ORDER, me)
                                : Optional.<Long>empty())
                        .or(() -> freeItem("p", OPEN_PROMPTS, DEMONSTRATION_ORDER, me))
                        .or(() -> itemAfterWaiting("p", OPEN_PROMPTS, me));
            case RANKING ->
                freeItem("t", OPEN_RANKINGS, "t.priority DESC, t.id", me)
                        .or(() -> itemAfterWaiting("t", OPEN_RANKINGS, me));
            case COMPARISON ->
                freeItem("t", OPEN_COMPARISONS, "t.id", me).or(() -> itemAfterWaiting("t", OPEN_COMPARISONS, me));
        };
        return item.map(id -> {
            countLease(kind, id, +1);
            long leaseId = jdbc.sql("INSERT INTO task_assignment (task_kind, "
                            + Items.of(kind).assignmentColumn()
                            + ", labeler_id, lease_expires_at) VALUES (:kind, :item, :me, :expires) RETURNING id")
                    .param("kind", kind.name())
                    .param("item", id)
                    .param("me", me)
                    .param("expires", Timestamp.from(Instant.now().plus(properties.leaseDuration())))
                    .query(Long.class)
                    .single();
            return lease(leaseId);
        });
    }

    /**
     * The first waiting item in this order ({@code SELECT item.id} with these clauses), passing over items other
     * claims hold locked at this moment.
     */
    private Optional<Long> freeItem(String item, String clauses, String order, long me) {
        return query(
                "SELECT " + item + ".id " + clauses + " ORDER BY " + order + " LIMIT 1 FOR UPDATE OF " + item
                        + " SKIP LOCKED",
                me);
    }

    /**
     * Where the items other claims held locked were all there was (the last slots of a queue running dry), asks once
     * more and waits for their claims to end: PostgreSQL then re-checks each row's free slots on its new version, so
     * "nothing waiting" means nothing is.
     *
     * <p>This pass takes rows in id order, and once per claim. A row it waited for and then passed over (no slot
     * left) stays locked to it until it ends, so two waiting claims that met rows in different orders (the
     * least-labelled order moves with every claim) could each wait for a row the other holds; PostgreSQL then ends
     * one of the transactions in the cycle or queued behind it, a labeler's skip as likely as a claim. In one order,
     * no waiting claim waits for a row another waiting claim passed over after it.
     */
    private Optional<Long> itemAfterWaiting(String item, String clauses, long me) {
        return query(
                "SELECT " + item + ".id " + clauses + " ORDER BY " + item + ".id LIMIT 1 FOR UPDATE OF " + item, me);
    }

    private Optional<Long> query(String sql, long me) {
        return jdbc.sql(sql).param("me", me).query(Long.class).optional();
    }

    /**
     * Asked first so that, with no demonstration round open (the usual case), a claim never plans a join with
     * the round's prompts over every open prompt.
     */
    private boolean demonstrationRoundOpen() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM label_round WHERE kind = 'DEMONSTRATION' AND status = 'OPEN')")
                .query(Boolean.class)
                .single();
    }

    /** The labeler's own lease; anyone else's is "not found", so ids reveal nothing. */
    @Transactional(readOnly = true)
    public Lease leaseOf(long leaseId, String username) {
        Lease lease = lease(leaseId);
        if (lease.labelerId() != labelerId(username)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No task " + leaseId + " of yours");
        }
        return lease;
    }

    /**
     * Locks the labeler's lease for a submission, inside the caller's transaction. A second submit of the
     * same lease finds it SUBMITTED and the caller does nothing (double submits are harmless). A lease that
     * expired may still be submitted while the item still wants labels; otherwise the work went to others.
     */
    @Transactional
    public Lease lockForSubmit(long leaseId, String username) {
        Lease lease = lockOwn(leaseId, username);
        if (lease.status().equals("SKIPPED")) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "You skipped this task; take a new one.");
        }
        if (lease.status().equals("RELEASED")) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "This task was given back; take a new one.");
        }
        if (!lease.submitted() && !promptUsable(leaseId)) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, PROMPT_WITHDRAWN);
        }
        if (lease.status().equals("EXPIRED") && !stillLeased(leaseId) && !slotFree(lease.kind(), lease.itemId())) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "Your time on this task ran out and others have labelled it since; take a new task.");
        }
        return lease;
    }

    /** Locks the labeler's own lease row; anyone else's is "not found". */
    private Lease lockOwn(long leaseId, String username) {
        Lease lease = jdbc.sql(SELECT_LEASE + " WHERE id = :id FOR UPDATE")
                .param("id", leaseId)
                .query(TaskQueue::toLease)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No task " + leaseId));
        if (lease.labelerId() != labelerId(username)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No task " + leaseId + " of yours");
        }
        return lease;
    }

    /** Whether the lease's prompt may still be labelled (V027); a lease on any other is refused. */
    private boolean promptUsable(long leaseId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM prompt p WHERE p.id = " + LEASE_PROMPT
                        + " AND prompt_usable(p)) FROM task_assignment a WHERE a.id = :id")
                .param("id", leaseId)
                .query(Boolean.class)
                .single();
    }

    /**
     * Whether the item still wants a label beyond those done and leased. Locks the item row, so no claim takes
     * the slot between this check and the submission (claims skip locked rows).
     */
    private boolean slotFree(TaskKind kind, long itemId) {
        Items items = Items.of(kind);
        String sql = kind == TaskKind.DEMONSTRATION
                ? """
                        SELECT p.demonstrations_done + p.demonstrations_leased
                               < labels_wanted(p.id, d.labels_per_item, d.overlap_share)
                        FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id WHERE p.id = :item FOR UPDATE OF p"""
                : "SELECT " + items.done() + " + " + items.leased() + " < labels_wanted FROM " + items.table()
                        + " WHERE id = :item FOR UPDATE";
        return jdbc.sql(sql).param("item", itemId).query(Boolean.class).single();
    }

    /**
     * Marks a locked lease submitted and counts the label on its item (the caller has stored the label in the
     * same transaction). A lease the sweeper already expired no longer counts as leased.
     */
    @Transactional
    public void markSubmitted(Lease lease) {
        boolean wasLeased = stillLeased(lease.id());
        jdbc.sql("UPDATE task_assignment SET status = 'SUBMITTED', completed_at = now() WHERE id = :id")
                .param("id", lease.id())
                .update();
        // The item's done counter, and COMPLETE for a ranking or comparison task with all the labels it wants (V061).
        jdbc.sql("SELECT count_submitted_label(:kind, :item)")
                .param("kind", lease.kind().name())
                .param("item", lease.itemId())
                .query(Integer.class)
                .single();
        if (wasLeased) {
            countLease(lease.kind(), lease.itemId(), -1);
        }
        drawForReview(lease);
    }

    /**
     * Picks the label just submitted for review with the probability its dataset's review share says (0-100 %,
     * V038). A picked label waits in the reviewers' queue (PENDING) and is held from training and exports until a
     * reviewer passes it ({@code demonstration_trainable}, {@code ranking_trainable}, V039). Drawn once, at submit:
     * the share applies to what labelers send from the moment an admin sets it. Comparisons are not reviewed.
     */
    private void drawForReview(Lease lease) {
        String sql = switch (lease.kind()) {
            case DEMONSTRATION -> """
                    UPDATE demonstration x SET review_status = 'PENDING'
                    FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id
                    WHERE x.prompt_id = :item AND x.labeler_id = :labeler AND p.id = x.prompt_id
                      AND x.review_status IS NULL AND random() * 100 < d.review_percent""";
            case RANKING -> """
                    UPDATE ranking r SET review_status = 'PENDING'
                    FROM ranking_task t JOIN prompt p ON p.id = t.prompt_id JOIN prompt_dataset d ON d.id = p.dataset_id
                    WHERE r.task_id = :item AND r.labeler_id = :labeler AND t.id = r.task_id
                      AND r.review_status IS NULL AND r.feedback_source = 'HUMAN' AND random() * 100 < d.review_percent""";
            case COMPARISON -> null;
        };
        if (sql != null) {
            jdbc.sql(sql)
                    .param("item", lease.itemId())
                    .param("labeler", lease.labelerId())
                    .update();
        }
    }

    /** Whether the (locked) lease still holds its slot, i.e. the sweeper has not expired it yet. */
    private boolean stillLeased(long leaseId) {
        return "LEASED"
                .equals(jdbc.sql("SELECT status FROM task_assignment WHERE id = :id")
                        .param("id", leaseId)
                        .query(String.class)
                        .single());
    }

    private void countLease(TaskKind kind, long itemId, int delta) {
        Items items = Items.of(kind);
        jdbc.sql("UPDATE " + items.table() + " SET " + items.leased() + " = greatest(" + items.leased()
                        + " + :d, 0) WHERE id = :item")
                .param("d", delta)
                .param("item", itemId)
                .update();
    }

    /** Gives a task back with a reason; the labeler will not be offered it again. */
    public void skip(long leaseId, String username, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Say why you skip this task.");
        }
        retryingDeadlocks(() -> {
            Lease lease = lockForSubmit(leaseId, username);
            if (lease.submitted()) {
                throw new ResponseStatusException(HttpStatus.CONFLICT, "This task is already submitted.");
            }
            boolean wasLeased = stillLeased(leaseId);
            jdbc.sql("""
                            UPDATE task_assignment SET status = 'SKIPPED', skip_reason = :reason,
                                   completed_at = now()
                            WHERE id = :id""")
                    .param(
                            "reason",
                            reason.strip().length() > 500 ? reason.strip().substring(0, 500) : reason.strip())
                    .param("id", leaseId)
                    .update();
            if (wasLeased) {
                countLease(lease.kind(), lease.itemId(), -1);
            }
            return null;
        });
    }

    /**
     * "Give back": the labeler lets go of a task they hold, and its slot is free for others at once (unlike an
     * abandoned lease, which reserves it until it expires). Unlike a skip it needs no reason and does not count as a
     * skip in the labeler's figures; like a skip, the item is not offered to them again (one lease per labeler and
     * item), and their draft is kept. Giving back a task already given back or skipped changes nothing; a submitted
     * one cannot be given back (409).
     */
    @Transactional
    public void release(long leaseId, String username) {
        Lease lease = lockOwn(leaseId, username);
        if (lease.submitted()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "This task is already submitted.");
        }
        if (!lease.open()) {
            return;
        }
        endLeases("id = :id", "id", leaseId);
    }

    /**
     * A disabled account's tasks go back to the queue the moment an admin disables it, in the same transaction,
     * instead of staying reserved until their leases expire.
     */
    @EventListener
    public void onAccountDisabled(AccountDisabled disabled) {
        endLeases("labeler_id = :id", "id", disabled.userId());
    }

    /**
     * Ends the open leases the condition selects (status RELEASED, or EXPIRED for a lease whose slot the sweeper
     * already returned) and gives each live one's slot back to its item.
     */
    private void endLeases(String condition, String param, long value) {
        record Ended(TaskKind kind, long item, boolean held) {}
        jdbc
                .sql("UPDATE task_assignment a SET status = 'RELEASED', completed_at = now()"
                        + " FROM (SELECT id, status AS old_status FROM task_assignment WHERE " + condition
                        + " AND status IN ('LEASED', 'EXPIRED') FOR UPDATE) o WHERE a.id = o.id"
                        + " RETURNING a.task_kind, COALESCE(a.prompt_id, a.ranking_task_id, a.comparison_task_id),"
                        + " o.old_status = 'LEASED'")
                .param(param, value)
                .query((rs, n) -> new Ended(TaskKind.valueOf(rs.getString(1)), rs.getLong(2), rs.getBoolean(3)))
                .list()
                .stream()
                .filter(Ended::held)
                .forEach(ended -> countLease(ended.kind(), ended.item(), -1));
    }

    /**
     * Leases past their expiry go back to the queue, and so do leases whose prompt is no longer usable (sent back to
     * PII review by an edit, or retired): an admin's change calls this at once, so nobody goes on seeing the prompt.
     * Their holders keep their drafts, and may submit once the prompt is usable again and the slot still free.
     */
    @Scheduled(fixedDelayString = "PT30S")
    @Transactional
    public int expireLeases() {
        record Expired(TaskKind kind, long item) {}
        List<Expired> expired = jdbc.sql("""
                        UPDATE task_assignment a SET status = 'EXPIRED'
                        WHERE status = 'LEASED' AND (lease_expires_at <= now()
                              OR NOT EXISTS (SELECT 1 FROM prompt p WHERE p.id = """ + LEASE_PROMPT + """
                                             AND prompt_usable(p)))
                        RETURNING task_kind, COALESCE(prompt_id, ranking_task_id, comparison_task_id)""")
                .query((rs, n) -> new Expired(TaskKind.valueOf(rs.getString(1)), rs.getLong(2)))
                .list();
        // Item rows in one order, the waiting claims' order (firstItem), so the sweeper never waits in a cycle with
        // one.
        expired.stream()
                .sorted(Comparator.comparing(Expired::kind).thenComparingLong(Expired::item))
                .forEach(lease -> countLease(lease.kind(), lease.item(), -1));
        return expired.size();
    }

    @Transactional(readOnly = true)
    public Summary summaryFor(String username) {
        long me = labelerIdOrZero(username);
        return jdbc.sql("SELECT (SELECT count(*) " + OPEN_PROMPTS + "), (SELECT count(*) " + OPEN_RANKINGS + "), "
                        + "(SELECT count(*) " + OPEN_COMPARISONS + "), "
                        + """
                          (SELECT count(*) FROM demonstration x WHERE x.labeler_id = :me AND x.status = 'SUBMITTED'),
                          (SELECT count(*) FROM ranking r WHERE r.labeler_id = :me),
                          (SELECT count(*) FROM comparison_judgement j WHERE j.labeler_id = :me),
                        """
                        + "(SELECT count(*) " + HELD_LEASES + " AND a.task_kind = 'DEMONSTRATION'), "
                        + "(SELECT count(*) " + HELD_LEASES + " AND a.task_kind = 'RANKING'), "
                        + "(SELECT count(*) " + HELD_LEASES + " AND a.task_kind = 'COMPARISON')")
                .param("me", me)
                .query((rs, row) -> new Summary(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getLong(9)))
                .single();
    }

    /** A dataset with prompts waiting for this labeler's demonstrations. */
    public record WaitingDataset(String name, long prompts) {}

    /**
     * The datasets whose prompts the demonstration queue offers this labeler, by name: the same condition as
     * {@link #claimNext}, so a team's dataset appears only to its labelers.
     */
    @Transactional(readOnly = true)
    public List<WaitingDataset> waitingDatasets(String username) {
        return jdbc.sql("SELECT d.name, count(*) " + OPEN_PROMPTS + " GROUP BY d.id, d.name ORDER BY d.name")
                .param("me", labelerIdOrZero(username))
                .query((rs, n) -> new WaitingDataset(rs.getString(1), rs.getLong(2)))
                .list();
    }

    private static final String SELECT_LEASE = """
            SELECT id, task_kind, COALESCE(prompt_id, ranking_task_id, comparison_task_id), labeler_id,
                   CASE WHEN status = 'LEASED' AND lease_expires_at <= now() THEN 'EXPIRED' ELSE status END,
                   lease_expires_at
            FROM task_assignment""";

    private Lease lease(long leaseId) {
        return jdbc.sql(SELECT_LEASE + " WHERE id = :id")
                .param("id", leaseId)
                .query(TaskQueue::toLease)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No task " + leaseId));
    }

    private static Lease toLease(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Lease(
                rs.getLong(1),
                TaskKind.valueOf(rs.getString(2)),
                rs.getLong(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getTimestamp(6).toInstant());
    }

    /** The id of an enabled account; 403 for a disabled or unknown one. */
    public long labelerId(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u AND enabled")
                .param("u", username)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN, "No enabled account " + username));
    }

    private long labelerIdOrZero(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }
}
