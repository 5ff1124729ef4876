package org.instructforge.training.runs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What operators scrape from this service ({@code /actuator/prometheus}), fed by {@link RunReporter} as the trainers
 * report each step: {@code instructforge_training_steps_total{stage}} (steps/s is its {@code rate()}),
 * {@code instructforge_training_tokens_per_second{stage,phase}} (the throughput the trainer last reported: SFT's
 * {@code response_tokens_per_second}, PPO's generate/score/reference/update ones), and
 * {@code instructforge_training_runs{status}}, read by one grouped query at most once per {@link #FRESH_FOR}.
 */
@Component
class TrainingMetrics {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    /** The statuses V006 allows, each a series even at zero so that dashboards see it. */
    private static final String[] STATUSES = {
        "QUEUED", "RUNNING", "CANCEL_REQUESTED", "CANCELLED", "SUCCEEDED", "FAILED"
    };

    private static final String TOKENS_PER_SECOND = "tokens_per_second";

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final Map<String, Integer> lastStep = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> throughput = new ConcurrentHashMap<>();
    private Map<String, Long> runsByStatus = Map.of();
    private long readAt = Long.MIN_VALUE;

    TrainingMetrics(MeterRegistry registry, JdbcClient jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
        for (String status : STATUSES) {
            Gauge.builder("instructforge.training.runs", this, m -> m.runs(status))
                    .description("Training runs in each status")
                    .tag("status", status)
                    .register(registry);
        }
    }

    /** One step's metrics from a trainer: a new step counts once, a throughput value replaces the last one. */
    void stepReported(String stage, int step, Map<String, Double> values) {
        Integer before = lastStep.put(stage, step);
        if (before == null || step > before) {
            Counter.builder("instructforge.training.steps")
                    .description("Optimizer steps the trainers reported")
                    .tag("stage", stage)
                    .register(registry)
                    .increment(before == null ? 1 : step - before);
        }
        values.forEach((name, value) -> {
            if (name.endsWith(TOKENS_PER_SECOND) && value != null && Double.isFinite(value)) {
                String phase = name.equals(TOKENS_PER_SECOND)
                        ? "train"
                        : name.substring(0, name.length() - TOKENS_PER_SECOND.length() - 1);
                throughput
                        .computeIfAbsent(stage + "/" + phase, key -> {
                            AtomicReference<Double> last = new AtomicReference<>(0.0);
                            Gauge.builder("instructforge.training.tokens.per.second", last, AtomicReference::get)
                                    .description("Tokens per second the trainer last reported")
                                    .tags("stage", stage, "phase", phase)
                                    .register(registry);
                            return last;
                        })
                        .set(value);
            }
        });
    }

    private synchronized double runs(String status) {
        long now = System.nanoTime();
        if (readAt == Long.MIN_VALUE || now - readAt > FRESH_FOR.toNanos()) {
            Map<String, Long> read = new ConcurrentHashMap<>();
            jdbc.sql("SELECT status, count(*) AS runs FROM training_run GROUP BY status")
                    .query(rs -> {
                        read.put(rs.getString("status"), rs.getLong("runs"));
                    });
            runsByStatus = read;
            readAt = now;
        }
        return runsByStatus.getOrDefault(status, 0L);
    }
}
