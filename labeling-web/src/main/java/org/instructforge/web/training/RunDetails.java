package org.instructforge.web.training;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reading one run: its page, and the cheap increments its page polls for while it runs. */
@Service
class RunDetails {

    /** A page opened on a long run starts with its latest log lines; the rest is history. */
    static final int FIRST_LOG_LINES = 500;

    /** Log lines per poll: a burst is delivered over a few polls instead of one large answer. */
    static final int LOG_LINES_PER_POLL = 1000;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final CheckpointCatalog checkpoints;

    RunDetails(JdbcClient jdbc, JsonMapper json, CheckpointCatalog checkpoints) {
        this.jdbc = jdbc;
        this.json = json;
        this.checkpoints = checkpoints;
    }

    @Transactional(readOnly = true)
    RunDetail detail(long id) {
        return jdbc.sql("""
                        SELECT r.id, r.run_type, r.name, r.status, r.progress, r.current_step, r.total_steps,
                               r.data_selection::text, r.hyperparameters::text, r.error_message, r.worker_id,
                               r.attempts, r.created_at, r.started_at, r.finished_at, u.username,
                               r.base_checkpoint_id, r.reward_checkpoint_id, r.output_checkpoint_id, r.executor
                        FROM training_run r
                        LEFT JOIN app_user u ON u.id = r.requested_by
                        WHERE r.id = :id""").param("id", id).query(this::toDetail).optional().orElseThrow(() -> notFound(id));
    }

    /**
     * Where the run stands and what is new since the cursors (null: from the start; the log then starts with its
     * latest lines). The run's row is read first, so every point and line written before it finished is in the
     * answer that first says it finished, and the page can stop asking.
     */
    @Transactional(readOnly = true)
    RunLive live(long id, Long afterMetric, Long afterLog) {
        record Row(
                RunStatus status,
                double progress,
                int step,
                Integer total,
                Instant started,
                String error,
                RunDetail.CheckpointRef output) {}
        Row run = jdbc.sql("""
                        SELECT r.status, r.progress, r.current_step, r.total_steps, r.started_at, r.error_message,
                               r.output_checkpoint_id
                        FROM training_run r
                        WHERE r.id = :id""")
                .param("id", id)
                .query((rs, n) -> new Row(
                        RunStatus.valueOf(rs.getString(1)),
                        rs.getDouble(2),
                        rs.getInt(3),
                        (Integer) rs.getObject(4),
                        instant(rs, 5),
                        rs.getString(6),
                        checkpoint(rs, 7)))
                .optional()
                .orElseThrow(() -> notFound(id));

        // Both use the primary key / (run_id, id) index; a run's worker writes its points in commit order, and the
        // points of one write share their recorded_at, so "after the newest seen" misses none.
        record Point(RunLive.MetricPoint point, OffsetDateTime recordedAt) {}
        JdbcClient.StatementSpec metrics = jdbc.sql(
                        "SELECT name, step, value, recorded_at FROM training_metric WHERE run_id = :id"
                                + (afterMetric == null ? "" : " AND recorded_at > :after")
                                + " ORDER BY name, step")
                .param("id", id);
        if (afterMetric != null) {
            metrics = metrics.param("after", fromMicros(afterMetric));
        }
        List<Point> points = metrics.query((rs, n) -> new Point(
                        new RunLive.MetricPoint(rs.getString(1), rs.getInt(2), rs.getDouble(3)),
                        rs.getObject(4, OffsetDateTime.class)))
                .list();
        Long metricCursor = points.stream()
                .map(Point::recordedAt)
                .max(Comparator.naturalOrder())
                .map(RunDetails::toMicros)
                .orElse(afterMetric);

        List<RunLive.LogLine> logs = afterLog == null
                ? jdbc.sql("""
                                SELECT * FROM (SELECT id, logged_at, level, message FROM training_run_log
                                               WHERE run_id = :id ORDER BY id DESC LIMIT :limit) latest
                                ORDER BY id""")
                        .param("id", id)
                        .param("limit", FIRST_LOG_LINES)
                        .query(RunDetails::logLine)
                        .list()
                : jdbc.sql("""
                                SELECT id, logged_at, level, message FROM training_run_log
                                WHERE run_id = :id AND id > :after ORDER BY id LIMIT :limit""")
                        .param("id", id)
                        .param("after", afterLog)
                        .param("limit", LOG_LINES_PER_POLL)
                        .query(RunDetails::logLine)
                        .list();
        Long logCursor = logs.isEmpty()
                ? afterLog
                : Long.valueOf(logs.get(logs.size() - 1).id());

        return new RunLive(
                run.status(),
                run.status().finished(),
                run.progress(),
                run.step(),
                run.total(),
                eta(run.status(), run.started(), run.progress(), run.step(), run.total(), Instant.now()),
                run.error(),
                run.output(),
                points.stream().map(Point::point).toList(),
                metricCursor,
                logs,
                logCursor,
                afterLog != null && logs.size() == LOG_LINES_PER_POLL);
    }

    /**
     * Seconds left at the pace so far: elapsed time scaled by what is left. The worker's progress share counts;
     * before it reports one, steps done of the total do.
     */
    static Long eta(RunStatus status, Instant startedAt, double progress, int step, Integer totalSteps, Instant now) {
        if (status != RunStatus.RUNNING || startedAt == null) {
            return null;
        }
        double done = progress > 0 ? progress : totalSteps != null && totalSteps > 0 ? (double) step / totalSteps : 0;
        if (done <= 0 || done >= 1) {
            return null;
        }
        double elapsed = Duration.between(startedAt, now).toMillis() / 1000.0;
        return Math.max(0, Math.round(elapsed * (1 - done) / done));
    }

    private RunDetail toDetail(ResultSet rs, int n) throws SQLException {
        RunStatus status = RunStatus.valueOf(rs.getString(4));
        double progress = rs.getDouble(5);
        int step = rs.getInt(6);
        Integer total = (Integer) rs.getObject(7);
        DataSelection data = json.readValue(rs.getString(8), DataSelection.class);
        RunType type = RunType.valueOf(rs.getString(2));
        Map<String, Object> stored = json.readValue(rs.getString(9), new TypeReference<Map<String, Object>>() {});
        // jsonb keeps no key order: show them in the order the form does, anything unknown after.
        Map<String, Object> values = new LinkedHashMap<>();
        Hyperparameters.of(type).stream()
                .filter(p -> stored.containsKey(p.name()))
                .forEach(p -> values.put(p.name(), stored.get(p.name())));
        stored.forEach(values::putIfAbsent);
        Instant started = instant(rs, 14);
        return new RunDetail(
                rs.getLong(1),
                type,
                rs.getString(3),
                status,
                status.finished(),
                progress,
                step,
                total,
                eta(status, started, progress, step, total, Instant.now()),
                named("prompt_dataset", data.datasetIds()),
                named("label_round", data.roundIds()),
                data.includeAiFeedback(),
                checkpoint(rs, 17),
                checkpoint(rs, 18),
                checkpoint(rs, 19),
                values,
                rs.getString(10),
                rs.getString(16),
                rs.getString(11),
                rs.getInt(12),
                instant(rs, 13),
                started,
                instant(rs, 15),
                rs.getString(20));
    }

    /** Ids with their names, in the order stored; an id whose row is gone keeps a placeholder name. */
    private List<RunDetail.Named> named(String table, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, String> names = new LinkedHashMap<>();
        // The table name is one of two constants above, never user input.
        jdbc.sql("SELECT id, name FROM " + table + " WHERE id IN (:ids)")
                .param("ids", ids)
                .query(rs -> {
                    names.put(rs.getLong(1), rs.getString(2));
                });
        List<RunDetail.Named> result = new ArrayList<>();
        for (long id : ids) {
            result.add(new RunDetail.Named(id, names.getOrDefault(id, "#" + id + " (deleted)")));
        }
        return result;
    }

    /** The checkpoint whose id is in this column, named by the catalog; none when the column is null. */
    private RunDetail.CheckpointRef checkpoint(ResultSet rs, int column) throws SQLException {
        long id = rs.getLong(column);
        return rs.wasNull()
                ? null
                : checkpoints
                        .ref(id)
                        .map(ref -> new RunDetail.CheckpointRef(ref.id(), ref.name(), ref.kind()))
                        .orElse(null);
    }

    private static RunLive.LogLine logLine(ResultSet rs, int n) throws SQLException {
        return new RunLive.LogLine(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getString(4));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp time = rs.getTimestamp(column);
        return time == null ? null : time.toInstant();
    }

    static long toMicros(OffsetDateTime time) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant());
    }

    static OffsetDateTime fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static ResponseStatusException notFound(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No run " + id);
    }
}
