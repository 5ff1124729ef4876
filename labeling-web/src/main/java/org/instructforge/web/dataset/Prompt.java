package org.instructforge.web.dataset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.instructforge.shared.PiiStatus;
import org.instructforge.shared.PromptCategory;
import org.instructforge.shared.PromptFingerprint;
import org.instructforge.shared.PromptSource;
import org.instructforge.shared.PromptStatus;
import org.instructforge.shared.Split;

/** One prompt of a dataset. Its two hashes are fixed at creation from the text. */
@Entity
@Table(name = "prompt")
class Prompt {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "dataset_id")
    private PromptDataset dataset;

    @Column(nullable = false)
    private String text;

    @Column(name = "source_user_id", nullable = false, length = 200)
    private String sourceUserId;

    @Enumerated(EnumType.STRING)
    @Column(name = "source_kind", nullable = false, length = 16)
    private PromptSource sourceKind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 32)
    private PromptCategory category;

    @Enumerated(EnumType.STRING)
    @Column(length = 8)
    private Split split;

    @Enumerated(EnumType.STRING)
    @Column(name = "pii_status", nullable = false, length = 16)
    private PiiStatus piiStatus = PiiStatus.UNSCANNED;

    @Column(name = "dedup_key", nullable = false, length = 64)
    private String dedupKey;

    @Column(name = "content_hash", nullable = false, length = 64)
    private String contentHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private PromptStatus status = PromptStatus.ACTIVE;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String metadata = "{}";

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    protected Prompt() {}

    Prompt(PromptDataset dataset, String text, String sourceUserId, PromptSource sourceKind, PromptCategory category) {
        this.dataset = dataset;
        this.text = text;
        this.sourceUserId = sourceUserId;
        this.sourceKind = sourceKind;
        this.category = category;
        this.contentHash = PromptFingerprint.contentHash(text);
        this.dedupKey = PromptFingerprint.dedupKey(text, dataset.getDedupPrefixChars());
        this.split = dataset.splitRatios().splitFor(dataset.getId(), sourceUserId);
    }

    Long getId() {
        return id;
    }

    long datasetId() {
        return dataset.getId();
    }

    PromptCategory category() {
        return category;
    }

    /** The text changes; the content hash stays, since it names the prompt as it was imported. */
    void edit(String text, PromptCategory category) {
        this.text = text;
        this.category = category;
        this.dedupKey = PromptFingerprint.dedupKey(text, dataset.getDedupPrefixChars());
    }

    void changeStatus(PromptStatus status) {
        this.status = status;
    }

    String getText() {
        return text;
    }
}
