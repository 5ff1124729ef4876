package org.instructforge.web.training;

import java.time.Instant;
import java.util.List;
import org.instructforge.shared.RunStatus;

/**
 * What changed in a run since the page last asked: where it stands, and only the metric points and log lines
 * written after the page's cursors.
 *
 * @param metricCursor pass back as {@code afterMetric}: when the newest point returned was recorded (epoch
 *     microseconds), or the cursor asked with when nothing is new
 * @param logCursor pass back as {@code afterLog}: the id of the newest log line returned
 * @param moreLogs more lines were waiting than one answer carries: ask again at once
 */
public record RunLive(
        RunStatus status,
        boolean finished,
        double progress,
        int currentStep,
        Integer totalSteps,
        Long etaSeconds,
        String errorMessage,
        RunDetail.CheckpointRef outputCheckpoint,
        List<MetricPoint> metrics,
        Long metricCursor,
        List<LogLine> logs,
        Long logCursor,
        boolean moreLogs) {

    /** One value of one metric ({@code stage/metric}, e.g. {@code sft/loss}) at one step. */
    public record MetricPoint(String name, int step, double value) {}

    public record LogLine(long id, Instant loggedAt, String level, String message) {}
}
