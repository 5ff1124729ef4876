package org.instructforge.web.labeling;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queue for operators ({@code /actuator/prometheus}): open label slots per task kind
 * ({@code instructforge_queue_depth}) and live leases per kind ({@code instructforge_queue_leases}). Both come from
 * one query over the counters on the item rows (V022, V023), read at most once per {@link #FRESH_FOR} however often
 * Prometheus scrapes. Depth counts slots in active datasets and open tasks; whether a given labeler may take them
 * (teams, usability) is the queue's own business.
 */
@Component
class QueueMetrics implements MeterBinder {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    private static final String COUNTS = """
            SELECT 'DEMONSTRATION' AS kind,
                   COALESCE(sum(greatest(labels_wanted(p.id, d.labels_per_item, d.overlap_share)
                                         - p.demonstrations_done - p.demonstrations_leased, 0)), 0) AS open,
                   COALESCE(sum(p.demonstrations_leased), 0) AS leased
            FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id WHERE d.status = 'ACTIVE'
            UNION ALL
            SELECT 'RANKING', COALESCE(sum(greatest(labels_wanted - rankings_done - rankings_leased, 0)), 0),
                   COALESCE(sum(rankings_leased), 0)
            FROM ranking_task WHERE status = 'OPEN'
            UNION ALL
            SELECT 'COMPARISON', COALESCE(sum(greatest(labels_wanted - judgements_done - judgements_leased, 0)), 0),
                   COALESCE(sum(judgements_leased), 0)
            FROM comparison_task WHERE status = 'OPEN'""";

    private record Counts(long open, long leased) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private Map<TaskKind, Counts> counts = Map.of();
    private Instant readAt = Instant.MIN;

    QueueMetrics(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TaskKind kind : TaskKind.values()) {
            gauge(registry, "instructforge.queue.depth", "Label slots still open", kind, Counts::open);
            gauge(registry, "instructforge.queue.leases", "Tasks leased to a labeler now", kind, Counts::leased);
        }
    }

    private void gauge(
            MeterRegistry registry, String name, String description, TaskKind kind, ToLongFunction<Counts> value) {
        Gauge.builder(name, this, m -> {
                    Counts c = m.current().get(kind);
                    return c == null ? 0 : value.applyAsLong(c);
                })
                .description(description)
                .tag("kind", kind.name())
                .register(registry);
    }

    private synchronized Map<TaskKind, Counts> current() {
        Instant now = clock.instant();
        if (readAt.plus(FRESH_FOR).isBefore(now)) {
            Map<TaskKind, Counts> read = new EnumMap<>(TaskKind.class);
            jdbc.sql(COUNTS).query(rs -> {
                read.put(TaskKind.valueOf(rs.getString("kind")), new Counts(rs.getLong("open"), rs.getLong("leased")));
            });
            counts = read;
            readAt = now;
        }
        return counts;
    }
}
