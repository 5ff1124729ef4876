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
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.demonstration.DemonstrationWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The queue on real PostgreSQL, with real concurrent claims. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
class TaskQueueTest {

    @Autowired
    TaskQueue queue;

    @Autowired
    DemonstrationWork demonstrations;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    JdbcClient jdbc;

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

    /** Claims until a task of this test's dataset comes up (other tests' prompts share the database). */
    private Optional<Lease> claimIn(String labeler, List<Long> prompts) {
        for (int i = 0; i < 200; i++) {
            Optional<Lease> lease = queue.claimNext(labeler, TaskKind.DEMONSTRATION);
            if (lease.isEmpty() || prompts.contains(lease.get().itemId())) {
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
