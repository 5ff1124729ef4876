package org.instructforge.web.comparison;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One labeler's verdict on one comparison task, stored in the task's terms (output A / B) with the side output A
 * was shown on, so the page's left/right never leaks into the evaluation and can be audited afterwards.
 */
@Entity
@Table(name = "comparison_judgement")
class ComparisonJudgement {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "task_id", nullable = false)
    private long taskId;

    @Column(name = "labeler_id", nullable = false)
    private long labelerId;

    @Column(name = "feedback_source", nullable = false, length = 8)
    private String feedbackSource = "HUMAN";

    @Column(name = "a_shown_first", nullable = false)
    private boolean aShownFirst;

    @Column(nullable = false, length = 8)
    private String preferred;

    @Column(name = "likert_a")
    private Short likertA;

    @Column(name = "likert_b")
    private Short likertB;

    @Column(name = "submitted_at", nullable = false)
    private Instant submittedAt = Instant.now();

    protected ComparisonJudgement() {}

    /**
     * Checks a submission and turns the labeler's sides into the task's outputs.
     *
     * @param aShownFirst whether output A was on the left for this labeler
     * @throws InvalidJudgementException without a choice, or with a Likert score outside 1..7
     */
    static ComparisonJudgement submit(long taskId, long labelerId, boolean aShownFirst, ComparisonSubmission answer) {
        if (answer.preferred() == null) {
            throw new InvalidJudgementException("Choose the better output, a tie, or both bad.");
        }
        ComparisonJudgement judgement = new ComparisonJudgement();
        judgement.taskId = taskId;
        judgement.labelerId = labelerId;
        judgement.aShownFirst = aShownFirst;
        judgement.preferred = switch (answer.preferred()) {
            case LEFT -> aShownFirst ? "A" : "B";
            case RIGHT -> aShownFirst ? "B" : "A";
            case TIE -> "TIE";
            case BOTH_BAD -> "BOTH_BAD";
        };
        Short left = likert(answer.likertLeft(), "left");
        Short right = likert(answer.likertRight(), "right");
        judgement.likertA = aShownFirst ? left : right;
        judgement.likertB = aShownFirst ? right : left;
        return judgement;
    }

    private static Short likert(Integer score, String side) {
        if (score == null) {
            return null;
        }
        if (score < 1 || score > 7) {
            throw new InvalidJudgementException("A Likert score is 1 to 7, not " + score + " (" + side + " output).");
        }
        return score.shortValue();
    }
}
