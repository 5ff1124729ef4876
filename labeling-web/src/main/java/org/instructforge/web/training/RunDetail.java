package org.instructforge.web.training;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;

/**
 * One run with everything its page shows, as it is stored: what it reads, what it starts from and writes, its
 * settings and where it stands.
 *
 * @param etaSeconds the time left at the pace so far; null until the run has made progress
 * @param hyperparameters every value the run uses (defaults filled in when it was requested)
 * @param executor {@code local} (a training-service worker trains it) or {@code ray} (handed to a Ray cluster)
 */
public record RunDetail(
        long id,
        RunType type,
        String name,
        RunStatus status,
        boolean finished,
        double progress,
        int currentStep,
        Integer totalSteps,
        Long etaSeconds,
        List<Named> datasets,
        List<Named> rounds,
        boolean includeAiFeedback,
        CheckpointRef startCheckpoint,
        CheckpointRef rewardCheckpoint,
        CheckpointRef outputCheckpoint,
        Map<String, Object> hyperparameters,
        String errorMessage,
        String requestedBy,
        String workerId,
        int attempts,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String executor) {

    public record Named(long id, String name) {}

    public record CheckpointRef(long id, String name, CheckpointKind kind) {}

    /** Queued, running or stopping: its page keeps polling and offers to cancel it. */
    public boolean live() {
        return !finished;
    }
}
