package org.instructforge.web.labeling;

import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A labeler's hold on one task.
 *
 * @param itemId the prompt id (DEMONSTRATION), the ranking task id (RANKING) or the comparison task id
 *     (COMPARISON)
 */
public record Lease(long id, TaskKind kind, long itemId, long labelerId, String status, Instant expiresAt) {

    public boolean submitted() {
        return "SUBMITTED".equals(status);
    }

    public boolean open() {
        return "LEASED".equals(status) || "EXPIRED".equals(status);
    }

    /** This lease, when it is of that kind; another kind's page or API call is "not found". */
    public Lease requireKind(TaskKind expected) {
        if (kind != expected) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND, "Task " + id + " is not a " + expected.label() + " task");
        }
        return this;
    }
}
