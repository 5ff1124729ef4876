package org.instructforge.web.labeling;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** At most N task claims per labeler in any sliding minute (kept in memory: one web app instance). */
@Component
class ClaimRateLimiter {

    private static final long WINDOW_MILLIS = 60_000;

    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Long>> claims = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    ClaimRateLimiter(LabelingProperties properties) {
        this(properties.claimsPerMinute(), Clock.systemUTC());
    }

    ClaimRateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Counts one claim, or throws when the labeler is over the limit. */
    void acquire(String username) {
        long now = clock.millis();
        Deque<Long> times = claims.computeIfAbsent(username, u -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MILLIS) {
                times.pollFirst();
            }
            if (times.size() >= perMinute) {
                throw new RateLimitedException(perMinute);
            }
            times.addLast(now);
        }
    }
}
