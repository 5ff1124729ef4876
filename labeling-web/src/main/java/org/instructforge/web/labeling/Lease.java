package org.instructforge.web.labeling;

import java.time.Instant;

/**
 * A labeler's hold on one task.
 *
 * @param itemId the prompt id (DEMONSTRATION) or the ranking task id (RANKING)
 */
public record Lease(long id, TaskKind kind, long itemId, long labelerId, String status, Instant expiresAt) {

    public boolean submitted() {
        return "SUBMITTED".equals(status);
    }

    public boolean open() {
        return "LEASED".equals(status) || "EXPIRED".equals(status);
    }
}
