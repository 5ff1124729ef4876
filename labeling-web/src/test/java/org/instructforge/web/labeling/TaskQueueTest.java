package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.instructforge.shared.PromptCategory;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.instructforge.web.comparison.ComparisonSubmission;
import org.instructforge.web.comparison.ComparisonWork;
import org.instructforge.web.comparison.Preference;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.PromptEdit;
import org.instructforge.web.dataset.PromptEditing;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.demonstration.DemonstrationWork;
import org.instructforge.web.pii.PiiReview;
import org.instructforge.web.ranking.CandidateImport;
import org.instructforge.web.ranking.RankingWork;
import org.instructforge.web.team.Teams;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The queue on real PostgreSQL, with real concurrent claims. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
class TaskQueueTest {

    @Autowired
    TaskQueue queue;

    @Autowired
    DemonstrationWork demonstrations;

    @Autowired
    ComparisonWork comparisons;

    @Autowired
    CandidateImport candidates;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RankingWork rankings;

    @Autowired
    PromptEditing promptEditing;

    @Autowired
    PiiReview piiReview;

    @Autowired
    Teams teams;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void neverLeasesOneSlotToTwoLabelersAtOnce() throws Exception {
        List<Long> prompts = dataset(1, "0", 6);
        List<String> labelers = labelers(12);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Optional<Lease>>> claims = new ArrayList<>();
        for (String labeler : labelers) {
            claims.add(pool.submit((Callable<Optional<Lease>>) () -> claimIn(labeler, prompts)));
        }
        List<Long> leased = new ArrayList<>();
        for (Future<Optional<Lease>> claim : claims) {
            claim.get().ifPresent(lease -> leased.add(lease.itemId()));
        }
        pool.shutdown();

        assertThat(leased).hasSize(6).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(prompts);
    }

    @Test
    void overlappingItemsGoToSeveralLabelersButNoMore() {
        List<Long> prompts = dataset(3, "1", 1);
        List<String> labelers = labelers(4);

        List<Optional<Lease>> leases =
                labelers.stream().map(l -> claimIn(l, prompts)).toList();

        assertThat(leases.subList(0, 3)).allSatisfy(lease -> assertThat(lease).isPresent());
        assertThat(leases.get(3)).isEmpty();
    }

    @Test
    void aLabelerNeverGetsTheSameItemTwiceEvenAfterSkipping() {
        List<Long> prompts = dataset(1, "0", 1);
        String labeler = labelers(1).get(0);
        Lease lease = claimIn(labeler, prompts).orElseThrow();

        queue.skip(lease.id(), labeler, "The prompt is unclear");

        assertThat(claimIn(labeler, prompts)).isEmpty();
        assertThat(claimIn(labelers(1).get(0), prompts)).isPresent();
    }

    @Test
    void aSkipThatPostgresqlEndsAsADeadlocksVictimIsRunAgain() throws Exception {
        List<Long> prompts = dataset(1, "0", 1);
        String labeler = labelers(1).get(0);
        Lease lease = claimIn(labeler, prompts).orElseThrow();
        ExecutorService rivalThread = Executors.newSingleThreadExecutor();
        var promptLocked = new java.util.concurrent.CountDownLatch(1);
        // A rival transaction holds the prompt's row, waits until the skip (holding its lease row) waits for that row,
        // then asks for the lease row: a cycle. Its own deadlock check is far off, so the skip's runs first and
        // PostgreSQL ends the skip's transaction; if nothing ran it again, the skip would fail.
        Future<?> rival =
                rivalThread.submit(() -> new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
                    jdbc.sql("SET LOCAL deadlock_timeout = '30s'").update();
                    jdbc.sql("SELECT id FROM prompt WHERE id = :id FOR UPDATE")
                            .param("id", lease.itemId())
                            .query(Long.class)
                            .single();
                    promptLocked.countDown();
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (!skipWaitsForALock()) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("the skip never waited for the prompt's row");
                        }
                        Thread.onSpinWait();
                    }
                    jdbc.sql("SELECT id FROM task_assignment WHERE id = :id FOR UPDATE")
                            .param("id", lease.id())
                            .query(Long.class)
                            .single();
                }));
        try {
            assertThat(promptLocked.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();

            queue.skip(lease.id(), labeler, "The prompt is unclear");

            rival.get(60, java.util.concurrent.TimeUnit.SECONDS); // the rival was not the victim: it got both rows
        } finally {
            rivalThread.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT status FROM task_assignment WHERE id = :id")
                        .param("id", lease.id())
                        .query(String.class)
                        .single())
                .isEqualTo("SKIPPED");
        assertThat(jdbc.sql("SELECT demonstrations_leased FROM prompt WHERE id = :id")
                        .param("id", lease.itemId())
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    /** Whether a session waits for a row lock in the skip's counter update (statistics read afresh each time). */
    private boolean skipWaitsForALock() {
        jdbc.sql("SELECT pg_stat_clear_snapshot()").query().singleRow();
        return jdbc.sql("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE prompt SET demonstrations_leased%'""").query(Long.class).single() > 0;
    }

    @Test
    void anExpiredLeaseReturnsTheItemToTheQueue() {
        List<Long> prompts = dataset(1, "0", 1);
        List<String> labelers = labelers(2);
        Lease first = claimIn(labelers.get(0), prompts).orElseThrow();
        assertThat(claimIn(labelers.get(1), prompts)).isEmpty();

        jdbc.sql("UPDATE task_assignment SET lease_expires_at = now() - interval '1 minute' WHERE id = :id")
                .param("id", first.id())
                .update();
        // The sweeper (every 30 s) hands expired leases back to the queue.
        assertThat(queue.expireLeases()).isGreaterThanOrEqualTo(1);

        assertThat(claimIn(labelers.get(1), prompts)).map(Lease::itemId).contains(first.itemId());
    }

    @Test
    void submittingTwiceStoresOneDemonstration() {
        List<Long> prompts = dataset(1, "0", 1);
        String labeler = labelers(1).get(0);
        Lease lease = claimIn(labeler, prompts).orElseThrow();

        demonstrations.submit(lease.id(), labeler, "Lima.");
        demonstrations.submit(lease.id(), labeler, "Lima, again.");

        assertThat(jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p")
                        .param("p", lease.itemId())
                        .query(String.class)
                        .list())
                .containsExactly("Lima.");
        assertThat(jdbc.sql("SELECT demonstrations_done FROM prompt WHERE id = :p")
                        .param("p", lease.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aDraftIsKeptAndASubmittedDemonstrationNoLongerChanges() {
        List<Long> prompts = dataset(1, "0", 1);
        String labeler = labelers(1).get(0);
        Lease lease = claimIn(labeler, prompts).orElseThrow();

        demonstrations.saveDraft(lease.id(), labeler, "Half an ans");
        assertThat(demonstrations.task(lease.id(), labeler).draft()).isEqualTo("Half an ans");

        demonstrations.submit(lease.id(), labeler, "A whole answer.");
        demonstrations.saveDraft(lease.id(), labeler, "changed afterwards");
        assertThat(demonstrations.task(lease.id(), labeler).draft()).isEqualTo("A whole answer.");
    }

    @Test
    void nobodyElseCanSeeOrSubmitALabelersTask() {
        List<Long> prompts = dataset(1, "0", 1);
        List<String> labelers = labelers(2);
        Lease lease = claimIn(labelers.get(0), prompts).orElseThrow();

        assertThatThrownBy(() -> demonstrations.task(lease.id(), labelers.get(1)))
                .hasMessageContaining("No task");
        assertThatThrownBy(() -> demonstrations.submit(lease.id(), labelers.get(1), "mine now"))
                .hasMessageContaining("No task");
    }

    @Test
    void neverLeasesOneComparisonSlotToTwoLabelersAtOnce() throws Exception {
        List<Long> tasks = evaluation("OPEN", 6, 1).taskIds();
        List<String> labelers = labelers(12);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Optional<Lease>>> claims = new ArrayList<>();
        for (String labeler : labelers) {
            claims.add(pool.submit((Callable<Optional<Lease>>) () -> claimIn(labeler, TaskKind.COMPARISON, tasks)));
        }
        List<Long> leased = new ArrayList<>();
        for (Future<Optional<Lease>> claim : claims) {
            claim.get().ifPresent(lease -> leased.add(lease.itemId()));
        }
        pool.shutdown();

        assertThat(leased).hasSize(6).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(tasks)
                .allSatisfy(
                        task -> assertThat(counter(task, "judgements_leased")).isEqualTo(1));
    }

    @Test
    void aComparisonWantingThreeJudgementsGoesToThreeOfManyConcurrentLabelers() throws Exception {
        List<Long> tasks = evaluation("OPEN", 1, 3).taskIds();
        List<String> labelers = labelers(10);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<Optional<Lease>>> claims = new ArrayList<>();
        for (String labeler : labelers) {
            claims.add(pool.submit((Callable<Optional<Lease>>) () -> claimIn(labeler, TaskKind.COMPARISON, tasks)));
        }
        long leased = 0;
        for (Future<Optional<Lease>> claim : claims) {
            leased += claim.get().isPresent() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(leased).isEqualTo(3);
        assertThat(counter(tasks.get(0), "judgements_leased")).isEqualTo(3);
    }

    @Test
    void anExpiredComparisonLeaseReturnsItsSlotToTheQueue() throws Exception {
        List<Long> tasks = evaluation("OPEN", 1, 1).taskIds();
        List<String> labelers = labelers(2);
        Lease first = claimIn(labelers.get(0), TaskKind.COMPARISON, tasks).orElseThrow();
        assertThat(claimIn(labelers.get(1), TaskKind.COMPARISON, tasks)).isEmpty();

        expire(first);
        assertThat(queue.expireLeases()).isGreaterThanOrEqualTo(1);
        assertThat(counter(tasks.get(0), "judgements_leased")).isZero();

        Lease second = claimIn(labelers.get(1), TaskKind.COMPARISON, tasks).orElseThrow();
        assertThat(second.itemId()).isEqualTo(first.itemId());
        assertThat(counter(tasks.get(0), "judgements_leased")).isEqualTo(1);
    }

    @Test
    void anExpiredLeaseCanBeSubmittedUntilSomeoneElseTakesItsSlot() throws Exception {
        List<Long> tasks = evaluation("OPEN", 2, 1).taskIds();
        List<String> labelers = labelers(2);
        Lease slow = claimIn(labelers.get(0), TaskKind.COMPARISON, tasks).orElseThrow();
        Lease late = claimIn(labelers.get(0), TaskKind.COMPARISON, tasks).orElseThrow();
        expire(slow);
        expire(late);
        queue.expireLeases();

        // Nobody took the first task's slot: the late answer still counts, and only once.
        comparisons.submit(slow.id(), labelers.get(0), new ComparisonSubmission(Preference.TIE, null, null));
        assertThat(counter(slow.itemId(), "judgements_done")).isEqualTo(1);
        assertThat(counter(slow.itemId(), "judgements_leased")).isZero();

        // The second task went to someone else meanwhile: the late answer is refused, clearly.
        Lease other = claimIn(labelers.get(1), TaskKind.COMPARISON, List.of(late.itemId()))
                .orElseThrow();
        assertThatThrownBy(() -> comparisons.submit(
                        late.id(), labelers.get(0), new ComparisonSubmission(Preference.LEFT, null, null)))
                .hasMessageContaining("ran out")
                .hasMessageContaining("take a new task");
        assertThatThrownBy(() -> comparisons.submit(
                        other.id(), labelers.get(0), new ComparisonSubmission(Preference.LEFT, null, null)))
                .hasMessageContaining("No task");
        comparisons.submit(other.id(), labelers.get(1), new ComparisonSubmission(Preference.RIGHT, null, null));
        assertThat(counter(late.itemId(), "judgements_done")).isEqualTo(1);
    }

    @Test
    void submittingAComparisonTwiceStoresOneJudgementInTheTasksTermsAndCompletesIt() throws Exception {
        List<Long> tasks = evaluation("OPEN", 1, 1).taskIds();
        String labeler = labelers(1).get(0);
        Lease lease = claimIn(labeler, TaskKind.COMPARISON, tasks).orElseThrow();
        boolean aLeft = comparisons.task(lease.id(), labeler).left().text().equals("output of A");

        comparisons.submit(lease.id(), labeler, new ComparisonSubmission(Preference.LEFT, 6, 2));
        comparisons.submit(lease.id(), labeler, new ComparisonSubmission(Preference.RIGHT, 1, 1));

        record Stored(boolean aShownFirst, String preferred, int likertA, int likertB) {}
        assertThat(jdbc.sql("""
                        SELECT a_shown_first, preferred, likert_a, likert_b FROM comparison_judgement
                        WHERE task_id = :t""")
                        .param("t", lease.itemId())
                        .query((rs, n) -> new Stored(rs.getBoolean(1), rs.getString(2), rs.getInt(3), rs.getInt(4)))
                        .list())
                .containsExactly(aLeft ? new Stored(true, "A", 6, 2) : new Stored(false, "B", 2, 6));
        assertThat(counter(lease.itemId(), "judgements_done")).isEqualTo(1);
        assertThat(counter(lease.itemId(), "judgements_leased")).isZero();
        assertThat(jdbc.sql("SELECT status FROM comparison_task WHERE id = :t")
                        .param("t", lease.itemId())
                        .query(String.class)
                        .single())
                .isEqualTo("COMPLETE");
        assertThat(queue.summaryFor(labeler).comparisonsDone()).isEqualTo(1);
    }

    @Test
    void sidesAreRandomisedPerLabelerAndStableOnReload() throws Exception {
        List<Long> tasks = evaluation("OPEN", 1, 10).taskIds();
        List<String> labelers = labelers(10);
        List<String> lefts = new ArrayList<>();
        for (String labeler : labelers) {
            Lease lease = claimIn(labeler, TaskKind.COMPARISON, tasks).orElseThrow();
            String left = comparisons.task(lease.id(), labeler).left().text();
            assertThat(comparisons.task(lease.id(), labeler).left().text()).isEqualTo(left);
            lefts.add(left);
            queue.skip(lease.id(), labeler, "only looking");
        }
        // Ten fair coins all landing the same way: one chance in 512.
        assertThat(lefts).contains("output of A", "output of B");
    }

    @Test
    void tasksOfARoundThatIsNotOpenAreNeverServed() throws Exception {
        String labeler = labelers(1).get(0);
        ComparisonFixtures.Evaluation evaluation = evaluation("GENERATING", 2, 1);
        long rankingTask = rankingTaskInRound("GENERATING");

        // Skips every other test's task on the way, so what waits afterwards is this test's alone.
        assertThat(claimIn(labeler, TaskKind.COMPARISON, evaluation.taskIds())).isEmpty();
        assertThat(claimIn(labeler, TaskKind.RANKING, List.of(rankingTask))).isEmpty();
        assertThat(queue.summaryFor(labeler).comparisonsWaiting()).isZero();
        assertThat(queue.summaryFor(labeler).rankingsWaiting()).isZero();

        setRound(evaluation.roundId(), "OPEN");
        setRound(roundOf(rankingTask), "OPEN");
        assertThat(queue.summaryFor(labeler).comparisonsWaiting()).isEqualTo(2);
        assertThat(queue.summaryFor(labeler).rankingsWaiting()).isEqualTo(1);
        assertThat(claimIn(labeler, TaskKind.COMPARISON, evaluation.taskIds())).isPresent();
        assertThat(claimIn(labeler, TaskKind.RANKING, List.of(rankingTask))).isPresent();

        setRound(evaluation.roundId(), "CLOSED");
        assertThat(queue.summaryFor(labeler).comparisonsWaiting()).isZero();
        assertThat(claimIn(labeler, TaskKind.COMPARISON, evaluation.taskIds())).isEmpty();
    }

    @Test
    void promptsOfAnOpenDemonstrationRoundComeFirst() {
        List<Long> prompts = dataset(1, "0", 3);
        long round = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, status)
                        SELECT dataset_id, 'DEMONSTRATION', 'fresh prompts', 'OPEN' FROM prompt WHERE id = :p
                        RETURNING id""").param("p", prompts.get(2)).query(Long.class).single();
        try {
            jdbc.sql("INSERT INTO label_round_prompt (round_id, prompt_id) VALUES (:r, :p)")
                    .param("r", round)
                    .param("p", prompts.get(2))
                    .update();
            // The round's prompt has the highest id of the three, yet comes first.
            assertThat(claimIn(labelers(1).get(0), prompts)).map(Lease::itemId).contains(prompts.get(2));
        } finally {
            setRound(round, "CLOSED");
        }
    }

    // The privacy gate (prompt_usable, V027): a prompt an edit sends back to PII review leaves every queue at once.

    @Test
    void aPromptEditedIntoPiiReviewLeavesTheDemonstrationQueueAtOnceAndItsDraftWaitsForClearance() {
        List<Long> prompts = dataset(1, "0", 1);
        List<String> labelers = labelers(2);
        Lease lease = claimIn(labelers.get(0), prompts).orElseThrow();
        demonstrations.saveDraft(lease.id(), labelers.get(0), "Half an answer");

        sendBackToPiiReview(prompts.get(0));

        assertThat(leaseStatus(lease)).isEqualTo("EXPIRED");
        assertThat(claimIn(labelers.get(1), prompts)).isEmpty();
        assertThatThrownBy(() -> demonstrations.task(lease.id(), labelers.get(0)))
                .hasMessageContaining("withdrawn");
        assertThatThrownBy(() -> demonstrations.submit(lease.id(), labelers.get(0), "A whole answer"))
                .hasMessageContaining("withdrawn");
        demonstrations.saveDraft(lease.id(), labelers.get(0), "Half an answer, and more");

        piiReview.acceptAll(prompts.get(0), "admin");

        assertThat(demonstrations.task(lease.id(), labelers.get(0)).draft()).isEqualTo("Half an answer, and more");
        demonstrations.submit(lease.id(), labelers.get(0), "A whole answer");
        assertThat(jdbc.sql("SELECT text FROM demonstration WHERE prompt_id = :p AND status = 'SUBMITTED'")
                        .param("p", prompts.get(0))
                        .query(String.class)
                        .list())
                .containsExactly("A whole answer");
    }

    @Test
    void aRankingTaskWhosePromptGoesBackToPiiReviewEndsItsLeaseAndIsNeverServed() {
        long rankingTask = rankingTaskInRound("OPEN");
        List<String> labelers = labelers(2);
        Lease lease =
                claimIn(labelers.get(0), TaskKind.RANKING, List.of(rankingTask)).orElseThrow();

        sendBackToPiiReview(promptOf("ranking_task", rankingTask));

        assertThat(leaseStatus(lease)).isEqualTo("EXPIRED");
        assertThat(counter("ranking_task", rankingTask, "rankings_leased")).isZero();
        assertThat(claimIn(labelers.get(1), TaskKind.RANKING, List.of(rankingTask)))
                .isEmpty();
        assertThatThrownBy(() -> rankings.task(lease.id(), labelers.get(0))).hasMessageContaining("withdrawn");
    }

    @Test
    void aComparisonWhosePromptGoesBackToPiiReviewEndsItsLeaseAndIsNeverServed() throws Exception {
        ComparisonFixtures.Evaluation evaluation = evaluation("OPEN", 1, 2);
        long task = evaluation.taskIds().get(0);
        List<String> labelers = labelers(2);
        Lease lease =
                claimIn(labelers.get(0), TaskKind.COMPARISON, List.of(task)).orElseThrow();

        sendBackToPiiReview(promptOf("comparison_task", task));

        assertThat(leaseStatus(lease)).isEqualTo("EXPIRED");
        assertThat(counter("comparison_task", task, "judgements_leased")).isZero();
        assertThat(claimIn(labelers.get(1), TaskKind.COMPARISON, List.of(task))).isEmpty();
        assertThatThrownBy(() -> comparisons.task(lease.id(), labelers.get(0))).hasMessageContaining("withdrawn");
        assertThatThrownBy(() -> comparisons.submit(
                        lease.id(), labelers.get(0), new ComparisonSubmission(Preference.LEFT, null, null)))
                .hasMessageContaining("withdrawn");
    }

    @Test
    void retiringAPromptEndsItsLeasesAtOnce() {
        List<Long> prompts = dataset(1, "0", 1);
        Lease lease = claimIn(labelers(1).get(0), prompts).orElseThrow();

        promptEditing.retire(prompts.get(0), true, "admin");

        assertThat(leaseStatus(lease)).isEqualTo("EXPIRED");
        assertThat(claimIn(labelers(1).get(0), prompts)).isEmpty();
    }

    // Teams (dataset_open_to, V040): a dataset given to teams is offered only to their labelers, in every queue.

    @Test
    void aDatasetGivenToATeamIsOfferedOnlyToItsLabelersForDemonstrationsRankingsAndComparisons() throws Exception {
        List<Long> prompts = dataset(2, "1", 1);
        long rankingTask = rankingTaskInRound("OPEN");
        ComparisonFixtures.Evaluation evaluation = evaluation("OPEN", 1, 2);
        long comparison = evaluation.taskIds().get(0);
        List<String> labelers = labelers(2);
        String member = labelers.get(0);
        String outsider = labelers.get(1);
        var team = teams.create("queue team " + UUID.randomUUID().toString().substring(0, 8), "admin");
        teams.changeMembers(team.id(), List.of(userId(member)), "admin");
        teams.changeDatasets(
                team.id(),
                List.of(
                        datasetOf(prompts.get(0)),
                        datasetOf(promptOf("ranking_task", rankingTask)),
                        datasetOf(promptOf("comparison_task", comparison))),
                "admin");

        assertThat(claimIn(outsider, prompts)).isEmpty();
        assertThat(claimIn(outsider, TaskKind.RANKING, List.of(rankingTask))).isEmpty();
        assertThat(claimIn(outsider, TaskKind.COMPARISON, List.of(comparison))).isEmpty();
        assertThat(claimIn(member, prompts)).isPresent();
        assertThat(claimIn(member, TaskKind.RANKING, List.of(rankingTask))).isPresent();
        assertThat(claimIn(member, TaskKind.COMPARISON, List.of(comparison))).isPresent();
    }

    @Test
    void aDatasetTakenFromItsLastTeamIsOpenToEveryLabelerAgain() {
        List<Long> prompts = dataset(1, "0", 1);
        String outsider = labelers(1).get(0);
        var team = teams.create("closed team " + UUID.randomUUID().toString().substring(0, 8), "admin");
        teams.changeDatasets(team.id(), List.of(datasetOf(prompts.get(0))), "admin");
        assertThat(claimIn(outsider, prompts)).isEmpty();

        teams.changeDatasets(team.id(), List.of(), "admin");

        assertThat(claimIn(outsider, prompts)).isPresent();
    }

    private long userId(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .single();
    }

    private long datasetOf(long prompt) {
        return jdbc.sql("SELECT dataset_id FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    /** An admin's edit that adds an email address: the rescan puts the prompt back in the review queue. */
    private void sendBackToPiiReview(long prompt) {
        promptEditing.edit(
                prompt,
                new PromptEdit("Write to jane.doe@example.com about " + UUID.randomUUID(), PromptCategory.OTHER),
                "admin");
        assertThat(jdbc.sql("SELECT pii_status FROM prompt WHERE id = :p")
                        .param("p", prompt)
                        .query(String.class)
                        .single())
                .isEqualTo("PENDING_REVIEW");
    }

    private String leaseStatus(Lease lease) {
        return jdbc.sql("SELECT status FROM task_assignment WHERE id = :id")
                .param("id", lease.id())
                .query(String.class)
                .single();
    }

    private long promptOf(String taskTable, long task) {
        return jdbc.sql("SELECT prompt_id FROM " + taskTable + " WHERE id = :t")
                .param("t", task)
                .query(Long.class)
                .single();
    }

    private int counter(String table, long item, String column) {
        return jdbc.sql("SELECT " + column + " FROM " + table + " WHERE id = :t")
                .param("t", item)
                .query(Integer.class)
                .single();
    }

    private ComparisonFixtures.Evaluation evaluation(String roundStatus, int tasks, int labelsWanted) throws Exception {
        return ComparisonFixtures.evaluation(
                datasets,
                importer,
                jdbc,
                roundStatus,
                tasks,
                labelsWanted,
                "Which is better? " + UUID.randomUUID(),
                "output of A",
                "output of B");
    }

    /** A ranking task (imported candidates) placed in a RANKING round of the given status. */
    private long rankingTaskInRound(String status) {
        long prompt = dataset(1, "0", 1).get(0);
        long dataset = jdbc.sql("SELECT dataset_id FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
        String line = "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"a\"}, {\"text\": \"b\"}, "
                + "{\"text\": \"c\"}, {\"text\": \"d\"}]}\n";
        assertThat(candidates
                        .importFile(dataset, new java.io.ByteArrayInputStream(line.getBytes()), "admin")
                        .errors())
                .isEmpty();
        long round = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, status, outputs_per_prompt)
                        VALUES (:d, 'RANKING', 'next round', :s, 4) RETURNING id""")
                .param("d", dataset)
                .param("s", status)
                .query(Long.class)
                .single();
        return jdbc.sql("UPDATE ranking_task SET round_id = :r WHERE prompt_id = :p RETURNING id")
                .param("r", round)
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private long roundOf(long rankingTask) {
        return jdbc.sql("SELECT round_id FROM ranking_task WHERE id = :t")
                .param("t", rankingTask)
                .query(Long.class)
                .single();
    }

    private void setRound(long round, String status) {
        jdbc.sql("UPDATE label_round SET status = :s WHERE id = :r")
                .param("s", status)
                .param("r", round)
                .update();
    }

    private void expire(Lease lease) {
        jdbc.sql("UPDATE task_assignment SET lease_expires_at = now() - interval '1 minute' WHERE id = :id")
                .param("id", lease.id())
                .update();
    }

    private int counter(long comparisonTask, String column) {
        return counter("comparison_task", comparisonTask, column);
    }

    /** Claims until a task of this test's dataset comes up (other tests' prompts share the database). */
    private Optional<Lease> claimIn(String labeler, List<Long> prompts) {
        return claimIn(labeler, TaskKind.DEMONSTRATION, prompts);
    }

    /** Claims until one of these items comes up, skipping other tests' tasks; empty when the queue runs dry. */
    private Optional<Lease> claimIn(String labeler, TaskKind kind, List<Long> items) {
        for (int i = 0; i < 200; i++) {
            Optional<Lease> lease = queue.claimNext(labeler, kind);
            if (lease.isEmpty() || items.contains(lease.get().itemId())) {
                return lease;
            }
            queue.skip(lease.get().id(), labeler, "belongs to another test");
        }
        throw new AssertionError("too many foreign tasks");
    }

    private List<Long> dataset(int labelsPerItem, String overlapShare, int prompts) {
        try {
            long id = datasets.create(ImportFixtures.allTrain("queue", labelsPerItem, overlapShare), "tester");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < prompts; i++) {
                lines.add(ImportFixtures.line("Queue prompt " + i + " " + UUID.randomUUID(), "u" + i));
            }
            ImportFixtures.importLines(importer, id, false, lines);
            return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d ORDER BY id")
                    .param("d", id)
                    .query(Long.class)
                    .list();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> labelers(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "lab-" + UUID.randomUUID().toString().substring(0, 8);
            accounts.create(name, name, "secret-password", Set.of(Role.LABELER), null);
            names.add(name);
        }
        return names;
    }
}
