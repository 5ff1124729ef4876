package org.instructforge.web.demonstration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A labeler's answer to a prompt: a draft until submitted, then fixed, except that its labeler may revise it while no
 * training run has read it (the replaced text is kept in {@code demonstration_revision}).
 */
@Entity
@Table(name = "demonstration")
class Demonstration {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "prompt_id", nullable = false)
    private long promptId;

    @Column(name = "labeler_id", nullable = false)
    private long labelerId;

    @Column(nullable = false)
    private String text = "";

    @Column(nullable = false, length = 16)
    private String status = "DRAFT";

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt = Instant.now();

    @Column(name = "submitted_at")
    private Instant submittedAt;

    protected Demonstration() {}

    Demonstration(long promptId, long labelerId) {
        this.promptId = promptId;
        this.labelerId = labelerId;
    }

    /** Keeps typed text; a submitted demonstration no longer changes. */
    boolean saveDraft(String draft) {
        if (submitted()) {
            return false;
        }
        this.text = draft;
        this.updatedAt = Instant.now();
        return true;
    }

    void submit(String answer) {
        if (submitted()) {
            throw new IllegalStateException("This demonstration is already submitted");
        }
        this.text = answer;
        this.status = "SUBMITTED";
        this.submittedAt = Instant.now();
        this.updatedAt = submittedAt;
    }

    /** The text a revision replaced and when that text was submitted: kept as an earlier version. */
    record PriorVersion(String text, Instant submittedAt) {}

    /**
     * Replaces the submitted text (the caller has checked that no training run has read it) and answers the version
     * it replaced; drafts cannot be revised, they are simply edited.
     */
    PriorVersion revise(String answer) {
        if (!submitted()) {
            throw new IllegalStateException("Only a submitted demonstration can be revised");
        }
        PriorVersion prior = new PriorVersion(text, submittedAt);
        this.text = answer;
        this.submittedAt = Instant.now();
        this.updatedAt = submittedAt;
        return prior;
    }

    Long getId() {
        return id;
    }

    long getLabelerId() {
        return labelerId;
    }

    long getPromptId() {
        return promptId;
    }

    boolean submitted() {
        return "SUBMITTED".equals(status);
    }

    String getText() {
        return text;
    }

    Instant getUpdatedAt() {
        return updatedAt;
    }
}
