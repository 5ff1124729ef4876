package org.instructforge.web.system;

import jakarta.servlet.ServletException;
import org.instructforge.shared.db.DatabaseUnreachable;

/**
 * Whether a failure is the database being out of reach (restarting, failing over, unreachable) rather than a bug:
 * such a request is worth repeating in a few seconds, so it gets 503 with {@code Retry-After}, not a 500. The rule
 * itself is shared with the training worker ({@link DatabaseUnreachable}).
 */
public final class DatabaseOutage {

    private DatabaseOutage() {}

    /**
     * For handlers that would otherwise turn the failure into an answer of their own (sign-in's 401 or "wrong
     * password"): an outage goes on up the filter chain to {@link DatabaseOutageFilter}, anything else returns.
     */
    public static void passOn(Exception failure) throws ServletException {
        if (causedBy(failure)) {
            throw new ServletException("The database is out of reach", failure);
        }
    }

    /** The rule both services share ({@link DatabaseUnreachable}). */
    public static boolean causedBy(Throwable failure) {
        return DatabaseUnreachable.causedBy(failure);
    }
}
