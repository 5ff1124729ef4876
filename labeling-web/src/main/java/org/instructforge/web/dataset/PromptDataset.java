package org.instructforge.web.dataset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import org.instructforge.web.pii.PhoneRegions;

/** A curated collection of prompts, with the guidelines its labelers follow. */
@Entity
@Table(name = "prompt_dataset")
class PromptDataset {

    enum Status {
        ACTIVE,
        ARCHIVED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 200)
    private String name;

    @Column(nullable = false)
    private String description = "";

    @Column(nullable = false)
    private String guidelines = "";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Status status = Status.ACTIVE;

    @Column(name = "keep_pii_originals", nullable = false)
    private boolean keepPiiOriginals;

    @Column(name = "labels_per_item", nullable = false)
    private int labelsPerItem = 1;

    @Column(name = "overlap_share", nullable = false, precision = 4, scale = 3)
    private BigDecimal overlapShare = BigDecimal.ZERO;

    @Column(name = "max_prompts_per_user", nullable = false)
    private int maxPromptsPerUser = 200;

    @Column(name = "dedup_prefix_chars", nullable = false)
    private int dedupPrefixChars = 200;

    @Column(name = "train_ratio", nullable = false, precision = 4, scale = 3)
    private BigDecimal trainRatio = new BigDecimal("0.8");

    @Column(name = "valid_ratio", nullable = false, precision = 4, scale = 3)
    private BigDecimal validRatio = new BigDecimal("0.1");

    @Column(name = "test_ratio", nullable = false, precision = 4, scale = 3)
    private BigDecimal testRatio = new BigDecimal("0.1");

    @Column(name = "review_percent", nullable = false)
    private short reviewPercent;

    @Column(name = "phone_regions", nullable = false, length = 400)
    private String phoneRegions = PhoneRegions.DEFAULT.toString();

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    protected PromptDataset() {}

    PromptDataset(String name, String description, String guidelines) {
        this.name = name;
        this.description = description;
        this.guidelines = guidelines;
    }

    PromptDataset(DatasetSettings settings) {
        configure(settings);
    }

    /** Applies the admin's settings; the form has validated each field and the ratio sum. */
    void configure(DatasetSettings settings) {
        this.name = settings.name().strip();
        this.description =
                settings.description() == null ? "" : settings.description().strip();
        this.guidelines =
                settings.guidelines() == null ? "" : settings.guidelines().strip();
        this.keepPiiOriginals = settings.keepPiiOriginals();
        this.maxPromptsPerUser = settings.maxPromptsPerUser();
        this.dedupPrefixChars = settings.dedupPrefixChars();
        this.labelsPerItem = settings.labelsPerItem();
        this.overlapShare = settings.overlapShare();
        this.trainRatio = settings.trainRatio();
        this.validRatio = settings.validRatio();
        this.testRatio = settings.testRatio();
        this.reviewPercent = settings.reviewPercent().shortValue();
        this.phoneRegions = settings.regions().toString();
    }

    DatasetSettings settings() {
        return new DatasetSettings(
                name,
                description,
                guidelines,
                keepPiiOriginals,
                maxPromptsPerUser,
                dedupPrefixChars,
                labelsPerItem,
                overlapShare,
                trainRatio,
                validRatio,
                testRatio,
                (int) reviewPercent,
                phoneRegions);
    }

    /** Where this dataset's prompts come from, for reading their phone numbers. */
    PhoneRegions phoneRegions() {
        return PhoneRegions.parse(phoneRegions);
    }

    void archive() {
        this.status = Status.ARCHIVED;
    }

    void restore() {
        this.status = Status.ACTIVE;
    }

    SplitRatios splitRatios() {
        return new SplitRatios(trainRatio.doubleValue(), validRatio.doubleValue());
    }

    String getGuidelines() {
        return guidelines;
    }

    boolean isKeepPiiOriginals() {
        return keepPiiOriginals;
    }

    int getMaxPromptsPerUser() {
        return maxPromptsPerUser;
    }

    Long getId() {
        return id;
    }

    String getName() {
        return name;
    }

    String getDescription() {
        return description;
    }

    Status getStatus() {
        return status;
    }

    int getDedupPrefixChars() {
        return dedupPrefixChars;
    }
}
