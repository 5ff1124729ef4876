package org.instructforge.web.labeling;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClaimRateLimiterTest {

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
        ClaimRateLimiter limiter = new ClaimRateLimiter(3, clock);
        for (int i = 0; i < 3; i++) {
            limiter.acquire("ann");
        }
        assertThatThrownBy(() -> limiter.acquire("ann")).isInstanceOf(RateLimitedException.class);
        assertThatCode(() -> limiter.acquire("bo")).doesNotThrowAnyException();

        now.set(now.get().plus(Duration.ofSeconds(61)));
        assertThatCode(() -> limiter.acquire("ann")).doesNotThrowAnyException();
    }
}
