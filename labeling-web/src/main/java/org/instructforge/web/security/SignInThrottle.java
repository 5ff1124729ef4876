package org.instructforge.web.security;

import java.util.Locale;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Counts failed sign-ins per account name in PostgreSQL ({@code sign_in_failure}), so that every web replica
 * sees the same count. After {@code maxFailures} failures within {@code window} the name's sign-ins (form and
 * HTTP Basic alike) are refused, even with the right password, until fewer than {@code maxFailures} failures lie
 * in the window: at most {@code window} after the last counted one.
 *
 * <p>Refused rather than slowed: a growing delay holds a request thread (or, across replicas, many) for every
 * attempt an attacker makes, while a refusal costs one query. Refused attempts are not counted, so the lockout
 * does not grow while someone keeps trying, and a person locked out by a stranger's guesses gets in again once
 * the window has passed. Names are counted as typed (lower-cased), whether an account has them or not, so a
 * lockout does not tell which names exist.
 */
@Service
public class SignInThrottle {

    /** @param failures failed sign-ins of the name within the window */
    public record Status(int failures, boolean locked) {}

    private final JdbcClient jdbc;
    private final SignInThrottleProperties properties;
    private final AuditTrail audit;

    SignInThrottle(JdbcClient jdbc, SignInThrottleProperties properties, AuditTrail audit) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    public Status status(String username) {
        int failures = jdbc.sql("""
                        SELECT count(*) FROM sign_in_failure
                        WHERE username = :u AND failed_at > now() - :ms * INTERVAL '1 millisecond'""")
                .param("u", key(username))
                .param("ms", properties.window().toMillis())
                .query(Integer.class)
                .single();
        return new Status(failures, failures >= properties.maxFailures());
    }

    /** Counts one failure, in a transaction of its own (the sign-in that failed has none to join). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordFailure(String username, String clientAddress) {
        String key = key(username);
        long window = properties.window().toMillis();
        // Older rows no longer count: keep the table as small as the window.
        jdbc.sql(
                        "DELETE FROM sign_in_failure WHERE username = :u AND failed_at <= now() - :ms * INTERVAL '1 millisecond'")
                .param("u", key)
                .param("ms", window)
                .update();
        jdbc.sql("INSERT INTO sign_in_failure (username, client_addr) VALUES (:u, :a)")
                .param("u", key)
                .param("a", clientAddress == null ? null : truncate(clientAddress, 64))
                .update();
        int failures = status(username).failures();
        if (failures == properties.maxFailures()) {
            audit.record(
                    null,
                    "auth.locked_out",
                    "username",
                    truncate(key, 64),
                    "failures",
                    failures,
                    "window_seconds",
                    properties.window().toSeconds());
        }
    }

    /** A successful sign-in starts the count afresh. */
    @Transactional
    public void clear(String username) {
        jdbc.sql("DELETE FROM sign_in_failure WHERE username = :u")
                .param("u", key(username))
                .update();
    }

    private static String key(String username) {
        return truncate(username == null ? "" : username.toLowerCase(Locale.ROOT), 128);
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
