package org.instructforge.web.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.instructforge.shared.Role;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.quality.LabelQuality;
import org.instructforge.web.quality.LabelerStats;
import org.instructforge.web.review.Reviews.Decision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.server.ResponseStatusException;

/**
 * The review step through the real queue: what is picked, what each decision does to training data, exports, the
 * queue, the quality figures and the audit log, and the decisions refused.
 */
@Import(ReviewFixtures.class)
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
class ReviewTest {

    @Autowired
    Reviews reviews;

    @Autowired
    LabelQuality quality;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ReviewFixtures fx;

    String reviewer;

    @BeforeEach
    void reviewer() {
        reviewer = fx.person("rev", Role.REVIEWER, Role.LABELER);
    }

    @Test
    void aDatasetsReviewShareDecidesWhatIsPickedAndPickedLabelsAreHeldFromExportsUntilPassed() throws Exception {
        long all = fx.dataset(100, "Name a prime number.");
        long none = fx.dataset(0, "Name an even number.");
        String labeler = fx.person("lab", Role.LABELER);
        long picked = fx.demonstrate(labeler, fx.prompt(all, "Name a prime number."), "Seven.");
        long unpicked = fx.demonstrate(labeler, fx.prompt(none, "Name an even number."), "Four.");

        assertThat(fx.reviewStatus("demonstration", picked)).isEqualTo("PENDING");
        assertThat(fx.reviewStatus("demonstration", unpicked)).isNull();
        assertThat(fx.sftExport(all)).doesNotContain("Seven.");
        assertThat(fx.sftExport(none)).contains("Four.");
        assertThat(reviews.queue(reviewer))
                .anySatisfy(item -> {
                    assertThat(item.kind()).isEqualTo(Reviews.Kind.DEMONSTRATION);
                    assertThat(item.id()).isEqualTo(picked);
                    assertThat(item.why()).isEqualTo("picked for review");
                })
                .noneMatch(item -> item.kind() == Reviews.Kind.DEMONSTRATION && item.id() == unpicked);

        reviews.decideDemonstration(picked, reviewer, Decision.ACCEPT, null, null);

        assertThat(fx.sftExport(all)).contains("\"completion\":\"Seven.\"");
        assertThat(reviews.queue(reviewer))
                .noneMatch(item -> item.kind() == Reviews.Kind.DEMONSTRATION && item.id() == picked);
    }

    @Test
    void anEditBecomesTheTrainingTextAndTheOriginalIsKept() throws Exception {
        long dataset = fx.dataset(100, "Spell the word necessary.");
        String labeler = fx.person("lab", Role.LABELER);
        long demonstration = fx.demonstrate(labeler, fx.prompt(dataset, "Spell the word necessary."), "Neccessary.");

        reviews.decideDemonstration(demonstration, reviewer, Decision.EDIT, "  Necessary.  ", null);

        assertThat(fx.sftExport(dataset))
                .contains("\"completion\":\"Necessary.\"")
                .doesNotContain("Neccessary.");
        assertThat(jdbc.sql("SELECT text FROM demonstration WHERE id = :id")
                        .param("id", demonstration)
                        .query(String.class)
                        .single())
                .isEqualTo("Neccessary.");
        assertThat(reviews.outcomesFor(labeler)).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("EDITED");
            assertThat(o.editedText()).isEqualTo("Necessary.");
        });
        assertThat(audited("review.edited", "demonstration", demonstration)).isEqualTo(1);
    }

    @Test
    void aRejectedDemonstrationLeavesTrainingDataAndItsPromptAsksSomeoneElse() throws Exception {
        long dataset = fx.dataset(100, "Give a synonym for quick.");
        long prompt = fx.prompt(dataset, "Give a synonym for quick.");
        String labeler = fx.person("lab", Role.LABELER);
        long demonstration = fx.demonstrate(labeler, prompt, "Slow.");
        assertThat(demonstrationsDone(prompt)).isEqualTo(1);

        reviews.decideDemonstration(demonstration, reviewer, Decision.REJECT, null, " Slow is an antonym. ");

        assertThat(fx.sftExport(dataset)).doesNotContain("Slow.");
        assertThat(demonstrationsDone(prompt)).isZero();
        assertThat(jdbc.sql("SELECT status FROM demonstration WHERE id = :id")
                        .param("id", demonstration)
                        .query(String.class)
                        .single())
                .isEqualTo("REJECTED");
        // Someone else gets the prompt and their demonstration is what counts.
        String second = fx.person("lab", Role.LABELER);
        assertThat(QueueFixtures.claim(fx.queue(), second, TaskKind.DEMONSTRATION, prompt)
                        .itemId())
                .isEqualTo(prompt);
        assertThat(reviews.outcomesFor(labeler)).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("REJECTED");
            assertThat(o.reason()).isEqualTo("Slow is an antonym.");
        });
        assertThat(audited("review.rejected", "demonstration", demonstration)).isEqualTo(1);
        LabelerStats stats = stats(labeler);
        assertThat(stats.reviewed()).isEqualTo(1);
        assertThat(stats.acceptanceRate()).isEqualTo(0.0);
    }

    @Test
    void aRejectedRankingLeavesPreferencesRankingsAndAgreementAndItsTaskAsksAgain() throws Exception {
        long dataset = fx.dataset(100, "Order these by length.");
        long task = fx.rankingTask(dataset, fx.prompt(dataset, "Order these by length."), false);
        String good = fx.person("lab", Role.LABELER);
        long ranking = fx.rank(good, task, false);
        assertThat(fx.preferenceExport(dataset)).isEmpty(); // held while it waits for review
        reviews.decideRanking(ranking, reviewer, Decision.ACCEPT, null);
        assertThat(fx.preferenceExport(dataset).lines()).hasSize(6);
        assertThat(stats(good).acceptanceRate()).isEqualTo(1.0);

        String careless = fx.person("lab", Role.LABELER);
        jdbc.sql("UPDATE ranking_task SET labels_wanted = 2, status = 'OPEN' WHERE id = :t")
                .param("t", task)
                .update();
        long rejected = fx.rank(careless, task, true);
        reviews.decideRanking(rejected, reviewer, Decision.REJECT, "Reversed every pair.");

        assertThat(fx.preferenceExport(dataset).lines()).hasSize(6);
        assertThat(fx.rankingExport(dataset))
                .contains("\"ranking_id\":" + ranking)
                .doesNotContain("\"ranking_id\":" + rejected);
        assertThat(stats(careless).agreement()).isNull(); // the rejected ranking is no agreement figure
        assertThat(jdbc.sql("SELECT status || ' ' || rankings_done FROM ranking_task WHERE id = :t")
                        .param("t", task)
                        .query(String.class)
                        .single())
                .isEqualTo("OPEN 1");
        assertThat(audited("review.rejected", "ranking", rejected)).isEqualTo(1);
    }

    @Test
    void everyDemonstrationOfALabelerWithLowGoldAccuracyIsOfferedForReview() throws Exception {
        long dataset = fx.dataset(0, "Sort: ant, whale.", "Sort: cat, horse.", "Describe rain.");
        String sloppy = fx.person("lab", Role.LABELER);
        fx.rank(sloppy, fx.rankingTask(dataset, fx.prompt(dataset, "Sort: ant, whale."), true), true);
        fx.rank(sloppy, fx.rankingTask(dataset, fx.prompt(dataset, "Sort: cat, horse."), true), true);
        long demonstration = fx.demonstrate(sloppy, fx.prompt(dataset, "Describe rain."), "Wet.");

        assertThat(fx.reviewStatus("demonstration", demonstration)).isNull(); // not picked: the share is 0
        assertThat(reviews.queue(reviewer))
                .filteredOn(item -> item.author().equals(sloppy))
                .extracting(Reviews.QueueItem::why)
                .hasSize(3)
                .containsOnly("author's gold accuracy is low");
    }

    @Test
    void decisionsWithoutAReasonOrOnOnesOwnOrAnAlreadyReviewedLabelAreRefusedAndChangeNothing() throws Exception {
        long dataset = fx.dataset(100, "Translate cat to French.");
        long prompt = fx.prompt(dataset, "Translate cat to French.");
        long demonstration = fx.demonstrate(reviewer, prompt, "Chat.");
        String other = fx.person("rev", Role.REVIEWER);

        assertThatThrownBy(() -> reviews.decideDemonstration(demonstration, reviewer, Decision.ACCEPT, null, null))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(403));
        assertThat(reviews.queue(reviewer))
                .noneMatch(item -> item.kind() == Reviews.Kind.DEMONSTRATION && item.id() == demonstration);
        assertThatThrownBy(() -> reviews.decideDemonstration(demonstration, other, Decision.REJECT, null, "  "))
                .isInstanceOf(Reviews.InvalidDecisionException.class)
                .hasMessageContaining("Say why");
        assertThatThrownBy(() -> reviews.decideDemonstration(demonstration, other, Decision.EDIT, " ", null))
                .isInstanceOf(Reviews.InvalidDecisionException.class);
        assertThatThrownBy(() -> reviews.decideDemonstration(demonstration, other, Decision.EDIT, "Chat.", null))
                .hasMessageContaining("changes nothing");
        assertThat(fx.reviewStatus("demonstration", demonstration)).isEqualTo("PENDING");

        reviews.decideDemonstration(demonstration, other, Decision.ACCEPT, null, null);
        assertThatThrownBy(() -> reviews.decideDemonstration(demonstration, other, Decision.REJECT, null, "late"))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(409));
        assertThat(fx.reviewStatus("demonstration", demonstration)).isEqualTo("ACCEPTED");
        assertThatThrownBy(() -> reviews.demonstration(Long.MAX_VALUE, other))
                .isInstanceOfSatisfying(
                        ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
    }

    private long demonstrationsDone(long prompt) {
        return jdbc.sql("SELECT demonstrations_done FROM prompt WHERE id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private long audited(String action, String targetType, long id) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE action = :a AND target_type = :t AND target_id = :id"
                        + " AND actor_username = :who")
                .param("a", action)
                .param("t", targetType)
                .param("id", String.valueOf(id))
                .param("who", reviewer)
                .query(Long.class)
                .single();
    }

    private LabelerStats stats(String labeler) {
        return quality.report().labelers().stream()
                .filter(l -> l.username().equals(labeler))
                .findFirst()
                .orElseThrow();
    }
}
