package org.instructforge.web.training;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;

/** A training run as the dashboard sees it; the training service moves it through its states. */
@Entity
@Table(name = "training_run")
class TrainingRun {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Enumerated(EnumType.STRING)
    @Column(name = "run_type", nullable = false, length = 16)
    private RunType runType;

    @Column(length = 200)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private RunStatus status = RunStatus.QUEUED;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String hyperparameters = "{}";

    @Column(nullable = false)
    private double progress;

    @Column(name = "current_step", nullable = false)
    private int currentStep;

    @Column(name = "total_steps")
    private Integer totalSteps;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected TrainingRun() {}

    RunView toView() {
        return new RunView(
                id,
                runType,
                name,
                status,
                progress,
                currentStep,
                totalSteps,
                errorMessage,
                createdAt,
                startedAt,
                finishedAt);
    }
}
