package org.instructforge.web.training;

import java.time.Instant;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;

/** A training run for listing. */
public record RunView(
        long id,
        RunType type,
        String name,
        RunStatus status,
        double progress,
        int currentStep,
        Integer totalSteps,
        String errorMessage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {}
