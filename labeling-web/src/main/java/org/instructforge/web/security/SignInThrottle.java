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
 *
 * <p>Failures are limited per client address too, and for a different attack: the per-name limit stops guessing
 * one account's password, but not "password spraying", one common password tried against every name, which costs
 * four tries per name and never locks anyone. After {@code maxFailuresPerAddress} failures (100) from one address
 * within the window, whatever the names, that address's sign-ins are refused until the window has passed. The
 * number is high because one address may be a whole office behind NAT, and a refused address refuses everyone
 * behind it: 30 people who each mistype three times in a quarter of an hour stay well below it, while a sprayer is
 * held to 400 guesses an hour per address instead of thousands a minute. The address is the connection's peer
 * ({@code request.getRemoteAddr()}); behind a reverse proxy set {@code server.forward-headers-strategy=native}
 * so that it is the client's, not the proxy's (else the proxy's one address is limited as a whole).
 */
@Service
public class SignInThrottle {

    /**
     * @param failures failed sign-ins of the name within the window
     * @param locked whether sign-ins are refused now: too many failures of the name, or from the address
     */
    public record Status(int failures, boolean locked) {}

    private final JdbcClient jdbc;
    private final SignInThrottleProperties properties;
    private final AuditTrail audit;

    SignInThrottle(JdbcClient jdbc, SignInThrottleProperties properties, AuditTrail audit) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.audit = audit;
    }

    /** Where sign-ins of this name from this address stand (a null address: only the name counts). */
    @Transactional(readOnly = true)
    public Status status(String username, String clientAddress) {
        int failures = failuresOfName(key(username));
        return new Status(
                failures,
                failures >= properties.maxFailures()
                        || (clientAddress != null
                                && failuresFrom(address(clientAddress)) >= properties.maxFailuresPerAddress()));
    }

    private int failuresOfName(String key) {
        return jdbc.sql("""
                        SELECT count(*) FROM sign_in_failure
                        WHERE username = :u AND failed_at > now() - :ms * INTERVAL '1 millisecond'""")
                .param("u", key)
                .param("ms", properties.window().toMillis())
                .query(Integer.class)
                .single();
    }

    private int failuresFrom(String address) {
        return jdbc.sql("""
                        SELECT count(*) FROM sign_in_failure
                        WHERE client_addr = :a AND failed_at > now() - :ms * INTERVAL '1 millisecond'""")
                .param("a", address)
                .param("ms", properties.window().toMillis())
                .query(Integer.class)
                .single();
    }

    /** Counts one failure, in a transaction of its own (the sign-in that failed has none to join). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordFailure(String username, String clientAddress) {
        String key = key(username);
        String address = clientAddress == null ? null : address(clientAddress);
        // Older rows no longer count, for any name or address: keep the table as small as the window.
        jdbc.sql("DELETE FROM sign_in_failure WHERE failed_at <= now() - :ms * INTERVAL '1 millisecond'")
                .param("ms", properties.window().toMillis())
                .update();
        jdbc.sql("INSERT INTO sign_in_failure (username, client_addr) VALUES (:u, :a)")
                .param("u", key)
                .param("a", address)
                .update();
        if (address != null && failuresFrom(address) == properties.maxFailuresPerAddress()) {
            audit.record(
                    null,
                    "auth.address_locked_out",
                    "client_address",
                    address,
                    "failures",
                    properties.maxFailuresPerAddress(),
                    "window_seconds",
                    properties.window().toSeconds());
        }
        int failures = failuresOfName(key);
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

    private static String address(String clientAddress) {
        return truncate(clientAddress, 64);
    }

    private static String key(String username) {
        return truncate(username == null ? "" : username.toLowerCase(Locale.ROOT), 128);
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
