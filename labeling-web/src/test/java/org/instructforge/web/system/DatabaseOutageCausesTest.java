package org.instructforge.web.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.orm.jpa.JpaSystemException;

/** Which failures are the database out of reach (503, try again) and which are not (left to the usual handling). */
class DatabaseOutageCausesTest {

    @Test
    void connectionFailuresAreAnOutageHoweverTheyAreWrapped() {
        assertThat(DatabaseOutage.causedBy(new ServletException(new DataAccessResourceFailureException(
                        "select", new SQLException("An I/O error occurred while sending to the backend.", "08006")))))
                .isTrue();
        // Hikari's timeout waiting for a connection, and a refused connection
        assertThat(DatabaseOutage.causedBy(new SQLTransientConnectionException("request timed out after 5000ms")))
                .isTrue();
        assertThat(DatabaseOutage.causedBy(new RuntimeException(new ConnectException("Connection refused"))))
                .isTrue();
        // the server shutting down, and one not yet accepting connections
        assertThat(DatabaseOutage.causedBy(new SQLException("terminating connection", "57P01")))
                .isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException("the database system is starting up", "57P03")))
                .isTrue();
        // the rollback's failure on a connection the pool evicted as broken, thrown in place of the original
        assertThat(DatabaseOutage.causedBy(new ServletException(new JpaSystemException(new RuntimeException(
                        "Unable to rollback against JDBC Connection", new SQLException("Connection is closed"))))))
                .isTrue();
    }

    @Test
    void bugsAndRefusedDataAreNot() {
        assertThat(DatabaseOutage.causedBy(new ServletException(new IllegalStateException("a bug"))))
                .isFalse();
        assertThat(DatabaseOutage.causedBy(new DataIntegrityViolationException(
                        "insert", new SQLException("duplicate key value", "23505"))))
                .isFalse();
        assertThat(DatabaseOutage.causedBy(new SQLException("syntax error", "42601")))
                .isFalse();
        assertThat(DatabaseOutage.causedBy(null)).isFalse();
    }
}
