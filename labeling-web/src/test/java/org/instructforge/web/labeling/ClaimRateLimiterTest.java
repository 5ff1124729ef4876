package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The claim limit on the real PostgreSQL, where every replica reads and writes the same counts. */
@SpringBootTest
class ClaimRateLimiterTest {

    @Autowired
    JdbcClient jdbc;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aLabelerOverTheLimitWaitsForTheMinuteToPass() {
        ClaimRateLimiter limiter = new ClaimRateLimiter(jdbc, 3, clock);
        String ann = name("ann");
        for (int i = 0; i < 3; i++) {
            limiter.acquire(ann);
        }
        assertThatThrownBy(() -> limiter.acquire(ann)).isInstanceOf(RateLimitedException.class);
        assertThatCode(() -> limiter.acquire(name("bo"))).doesNotThrowAnyException();

        now.set(now.get().plus(Duration.ofSeconds(61)));
        assertThatCode(() -> limiter.acquire(ann)).doesNotThrowAnyException();
    }

    @Test
    void theWindowSlidesClaimByClaimRatherThanResettingEachMinute() {
        ClaimRateLimiter limiter = new ClaimRateLimiter(jdbc, 2, clock);
        String ann = name("ann");
        limiter.acquire(ann);
        now.set(now.get().plus(Duration.ofSeconds(40)));
        limiter.acquire(ann);

        now.set(now.get().plus(Duration.ofSeconds(30))); // the first claim is 70 s old, the second 30 s
        limiter.acquire(ann);
        assertThatThrownBy(() -> limiter.acquire(ann)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void twoReplicasClaimingAtOnceShareOneLimit() throws Exception {
        // Two limiters stand for two replicas: each has its own JVM object, both have the one database.
        ClaimRateLimiter first = new ClaimRateLimiter(jdbc, 10, clock);
        ClaimRateLimiter second = new ClaimRateLimiter(jdbc, 10, clock);
        String ann = name("ann");
        List<Callable<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ClaimRateLimiter replica = i % 2 == 0 ? first : second;
            claims.add(() -> {
                try {
                    replica.acquire(ann);
                    return true;
                } catch (RateLimitedException e) {
                    return false;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int counted = 0;
        try {
            for (Future<Boolean> claim : pool.invokeAll(claims)) {
                counted += claim.get() ? 1 : 0;
            }
        } finally {
            pool.shutdown();
        }
        assertThat(counted).isEqualTo(10);
    }

    @Test
    void aLimitOfZeroRefusesEveryClaim() {
        ClaimRateLimiter limiter = new ClaimRateLimiter(jdbc, 0, clock);
        assertThatThrownBy(() -> limiter.acquire(name("cy"))).isInstanceOf(RateLimitedException.class);
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
