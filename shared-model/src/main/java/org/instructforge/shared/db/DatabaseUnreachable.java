package org.instructforge.shared.db;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Whether a failure is the database being out of reach (restarting, failing over, unreachable) rather than a bug: what
 * failed is worth repeating in a few seconds. One rule for both services (labeling-web answers 503 with
 * {@code Retry-After}, a training worker waits and writes again), read from the JDBC causes under whatever Spring,
 * JPA or Spring Session wrapped them in.
 */
public final class DatabaseUnreachable {

    /**
     * SQLSTATEs of a server that is going away or not yet there: 57P01 admin shutdown, 57P02 crash shutdown, 57P03
     * cannot connect now (starting up or in recovery). Class 08, connection exceptions, is checked by its prefix.
     */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

    private DatabaseUnreachable() {}

    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Hikari's "Connection is not available, request timed out": no connection came within its timeout.
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && (lostConnection(sql.getSQLState()) || closedByPool(sql))) {
                return true;
            }
        }
        return false;
    }

    private static boolean lostConnection(String state) {
        return state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state));
    }

    /**
     * Hikari evicts a connection that failed with a connection error and answers every later call on it, such as the
     * transaction's rollback, with this SQLException, which has no SQLSTATE; Spring then throws the rollback's failure
     * in place of the original one.
     */
    private static boolean closedByPool(SQLException e) {
        return e.getSQLState() == null && "Connection is closed".equals(e.getMessage());
    }
}
