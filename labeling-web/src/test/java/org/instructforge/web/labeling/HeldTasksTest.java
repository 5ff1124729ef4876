package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.comparison.ComparisonFixtures;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

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
