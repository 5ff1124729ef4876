package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.instructforge.web.comparison.ComparisonSubmission;
import org.instructforge.web.comparison.ComparisonWork;
import org.instructforge.web.comparison.Preference;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.server.ResponseStatusException;

/** "Next task" and "My tasks" with the tasks a labeler already holds, on real PostgreSQL. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
class HeldTasksTest {

    @Autowired
    TaskQueue queue;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ComparisonWork comparisons;

    @Test
    void nextTaskHandsBackTheOldestHeldTaskBeforeLeasingANewOne() throws Exception {
        String labeler = QueueFixtures.newLabeler(accounts, "held-password");
        var evaluation = evaluation(2);
        Lease first = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(0));
        Lease second = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(1));
        long leasesBefore = leasesOf(labeler);

        assertThat(queue.next(labeler, TaskKind.COMPARISON)).map(Lease::id).contains(first.id());
        assertThat(queue.next(labeler, TaskKind.COMPARISON)).map(Lease::id).contains(first.id());
        assertThat(leasesOf(labeler)).isEqualTo(leasesBefore);

        // The home page counts them, so it never says nothing waits while two are in the labeler's hands.
        TaskQueue.Summary summary = queue.summaryFor(labeler);
        assertThat(summary.comparisonsHeld()).isEqualTo(2);
        assertThat(summary.rankingsHeld()).isZero();
        assertThat(summary.nothingWaiting()).isFalse();
        assertThat(queue.heldBy(labeler))
                .extracting(TaskQueue.HeldTask::leaseId)
                .containsExactly(first.id(), second.id());
    }

    @Test
    void anExpiredLeaseIsNeitherHandedBackNorListed() throws Exception {
        String labeler = QueueFixtures.newLabeler(accounts, "held-password");
        var evaluation = evaluation(2);
        Lease first = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(0));
        Lease second = QueueFixtures.claim(
                queue, labeler, TaskKind.COMPARISON, evaluation.taskIds().get(1));

        jdbc.sql("UPDATE task_assignment SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                .param("id", first.id())
                .update();

        assertThat(queue.next(labeler, TaskKind.COMPARISON)).map(Lease::id).contains(second.id());
        assertThat(queue.heldBy(labeler))
                .extracting(TaskQueue.HeldTask::leaseId)
                .containsExactly(second.id());
        assertThat(queue.summaryFor(labeler).comparisonsHeld()).isEqualTo(1);
    }

    @Test
    void aTaskGivenBackIsClaimableByAnotherLabelerAtOnce() throws Exception {
        String holder = QueueFixtures.newLabeler(accounts, "held-password");
        String other = QueueFixtures.newLabeler(accounts, "held-password");
        long task = evaluation(1).taskIds().get(0);
        Lease lease = QueueFixtures.claim(queue, holder, TaskKind.COMPARISON, task);
        assertThatThrownBy(() -> QueueFixtures.claim(queue, other, TaskKind.COMPARISON, task))
                .isInstanceOf(AssertionError.class);

        queue.release(lease.id(), holder);
        queue.release(lease.id(), holder); // a second give-back changes nothing

        assertThat(QueueFixtures.claim(queue, other, TaskKind.COMPARISON, task).itemId())
                .isEqualTo(task);
        assertThat(status(lease)).isEqualTo("RELEASED");
        assertThat(counter(task)).isEqualTo(1); // the other labeler's lease only
        assertThat(queue.heldBy(holder)).isEmpty();
        assertThatThrownBy(() -> queue.lockForSubmit(lease.id(), holder))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getReason()).contains("given back"));
    }

    @Test
    void disablingALabelerReleasesTheirTasksAtOnce() throws Exception {
        String holder = QueueFixtures.newLabeler(accounts, "held-password");
        String other = QueueFixtures.newLabeler(accounts, "held-password");
        List<Long> tasks = evaluation(2).taskIds();
        Lease first = QueueFixtures.claim(queue, holder, TaskKind.COMPARISON, tasks.get(0));
        Lease second = QueueFixtures.claim(queue, holder, TaskKind.COMPARISON, tasks.get(1));
        long holderId = jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", holder)
                .query(Long.class)
                .single();

        accounts.changeAccess(holderId, false, "admin");

        assertThat(status(first)).isEqualTo("RELEASED");
        assertThat(status(second)).isEqualTo("RELEASED");
        assertThat(QueueFixtures.claim(queue, other, TaskKind.COMPARISON, tasks.get(0))
                        .itemId())
                .isEqualTo(tasks.get(0));
        assertThat(QueueFixtures.claim(queue, other, TaskKind.COMPARISON, tasks.get(1))
                        .itemId())
                .isEqualTo(tasks.get(1));
    }

    @Test
    void aSubmittedTaskCannotBeGivenBackAndAnotherLabelersTaskIsNotFound() throws Exception {
        String holder = QueueFixtures.newLabeler(accounts, "held-password");
        String other = QueueFixtures.newLabeler(accounts, "held-password");
        long task = evaluation(1).taskIds().get(0);
        Lease lease = QueueFixtures.claim(queue, holder, TaskKind.COMPARISON, task);

        assertThatThrownBy(() -> queue.release(lease.id(), other))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
        comparisons.submit(lease.id(), holder, new ComparisonSubmission(Preference.LEFT, null, null));

        assertThatThrownBy(() -> queue.release(lease.id(), holder))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(409));
        assertThat(status(lease)).isEqualTo("SUBMITTED");
    }

    private String status(Lease lease) {
        return jdbc.sql("SELECT status FROM task_assignment WHERE id = :id")
                .param("id", lease.id())
                .query(String.class)
                .single();
    }

    private int counter(long comparisonTask) {
        return jdbc.sql("SELECT judgements_leased FROM comparison_task WHERE id = :id")
                .param("id", comparisonTask)
                .query(Integer.class)
                .single();
    }

    private ComparisonFixtures.Evaluation evaluation(int tasks) throws Exception {
        return ComparisonFixtures.evaluation(
                datasets,
                importer,
                jdbc,
                "OPEN",
                tasks,
                1,
                "Which planet is the largest? " + UUID.randomUUID(),
                "Jupiter.",
                "Saturn.");
    }

    private long leasesOf(String labeler) {
        return jdbc.sql("SELECT count(*) FROM task_assignment a JOIN app_user u ON u.id = a.labeler_id"
                        + " WHERE u.username = :u")
                .param("u", labeler)
                .query(Long.class)
                .single();
    }
}
