package org.instructforge.web.training;

import java.time.Instant;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.CheckpointStatus;

/** A checkpoint for listing, with the name of the checkpoint it was trained from. */
public record CheckpointView(
        long id,
        String name,
        CheckpointKind kind,
        String parentName,
        CheckpointStatus status,
        boolean currentPolicy,
        Instant createdAt) {}
