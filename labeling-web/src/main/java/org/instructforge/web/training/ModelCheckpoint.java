package org.instructforge.web.training;

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
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.CheckpointStatus;

/** A registered checkpoint with its lineage. */
@Entity
@Table(name = "model_checkpoint")
class ModelCheckpoint {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 200)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private CheckpointKind kind;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "parent_id")
    private ModelCheckpoint parent;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private CheckpointStatus status = CheckpointStatus.WRITING;

    @Column(name = "storage_path", nullable = false)
    private String storagePath;

    @Column(name = "is_current_policy", nullable = false)
    private boolean currentPolicy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    protected ModelCheckpoint() {}

    CheckpointView toView() {
        return new CheckpointView(
                id, name, kind, parent == null ? null : parent.name, status, currentPolicy, createdAt);
    }
}
