package org.instructforge.web.labeling;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * At most N task claims per labeler in any sliding minute, across every labeling-web replica: the recent claim times
 * live in PostgreSQL ({@code claim_window}, V059), not in one JVM's memory, so a labeler whose requests a load
 * balancer spreads over two replicas still meets one limit.
 *
 * <p>One upsert does the whole check: it drops the times older than a minute, and adds this claim only while fewer
 * than N remain. {@code ON CONFLICT DO UPDATE} locks the labeler's row and re-reads its latest version, so two
 * replicas claiming at once are serialised and cannot both take the last slot; no row back means refused.
 */
@Component
class ClaimRateLimiter {

    private static final long WINDOW_MILLIS = 60_000;

    private static final String CLAIM = """
            INSERT INTO claim_window AS w (username, claimed_at)
            SELECT :user, ARRAY[CAST(:now AS timestamptz)] WHERE :limit > 0
            ON CONFLICT (username) DO UPDATE
            SET claimed_at = ARRAY(SELECT t FROM unnest(w.claimed_at) t WHERE t > CAST(:since AS timestamptz))
                             || CAST(:now AS timestamptz)
            WHERE cardinality(ARRAY(SELECT t FROM unnest(w.claimed_at) t WHERE t > CAST(:since AS timestamptz)))
                  < :limit
            RETURNING 1""";

    private final JdbcClient jdbc;
    private final int perMinute;
    /**
     * The replica's clock (NTP keeps replicas within milliseconds of each other, nothing against a minute); a test
     * moves it to let the minute pass.
     */
    private final Clock clock;

    @Autowired
    ClaimRateLimiter(JdbcClient jdbc, LabelingProperties properties) {
        this(jdbc, properties.claimsPerMinute(), Clock.systemUTC());
    }

    ClaimRateLimiter(JdbcClient jdbc, int perMinute, Clock clock) {
        this.jdbc = jdbc;
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Counts one claim, or throws when the labeler is over the limit. */
    void acquire(String username) {
        long now = clock.millis();
        boolean counted = !jdbc.sql(CLAIM)
                .param("user", username)
                .param("now", Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC))
                .param("since", Instant.ofEpochMilli(now - WINDOW_MILLIS).atOffset(ZoneOffset.UTC))
                .param("limit", perMinute)
                .query(Integer.class)
                .list()
                .isEmpty();
        if (!counted) {
            throw new RateLimitedException(perMinute);
        }
    }
}
