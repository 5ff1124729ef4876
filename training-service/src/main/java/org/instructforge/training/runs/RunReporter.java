package org.instructforge.training.runs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.instructforge.training.toolbox.MetricSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a running run tells the dashboard: its metrics ({@code training_metric}, named {@code stage/metric}), its step
 * and progress, and its log lines ({@code training_run_log}, also sent to this service's log). The trainers write to
 * it as to any {@link MetricSink} and {@link PrintStream}. Each write is fenced ({@link RunFence}): once another
 * worker holds the run, the next one throws {@link RunLost} out of the trainer and the run stops there.
 */
final class RunReporter implements MetricSink {

    private static final Logger log = LoggerFactory.getLogger(RunReporter.class);

    private final JdbcClient jdbc;
    private final RunFence fence;
    private final RunQueue queue;
    private final ClaimedRun run;
    private final TrainingMetrics metrics;
    private final Map<String, Double> last = new TreeMap<>();
    private final PrintStream logStream;
    private int stepOffset;

    RunReporter(JdbcClient jdbc, RunFence fence, RunQueue queue, ClaimedRun run, TrainingMetrics metrics) {
        this.jdbc = jdbc;
        this.fence = fence;
        this.metrics = metrics;
        this.queue = queue;
        this.run = run;
        this.logStream = new PrintStream(new LineSink(), true, StandardCharsets.UTF_8);
    }

    /** The trainers' log: each line becomes a log row. */
    PrintStream log() {
        return logStream;
    }

    void info(String message) {
        write("INFO", message);
    }

    void warn(String message) {
        write("WARN", message);
    }

    void error(String message) {
        write("ERROR", message);
    }

    /** Progress counts from here: the step numbers a trainer reports are offset by the steps of earlier stages. */
    void stage(int offset, int totalSteps) {
        this.stepOffset = offset;
        queue.totalSteps(run, totalSteps);
    }

    void step(int step) {
        queue.progress(run, stepOffset + step);
    }

    /** The latest value of each metric, for the checkpoint's registry entry. */
    Map<String, Double> lastValues() {
        return Map.copyOf(last);
    }

    @Override
    public void record(String stage, int step, Map<String, Double> values) {
        metrics.stepReported(stage, step, values);
        Map<String, Double> points = new TreeMap<>();
        values.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) { // NaN (e.g. no validation yet) is no point on a chart
                points.put(stage + "/" + name, value);
            }
        });
        // One fenced write per step: its points and its progress land together or not at all.
        fence.write(run, () -> {
            for (Map.Entry<String, Double> p : points.entrySet()) {
                // A resumed run recomputes the steps after its checkpoint: the same step replaces its old value.
                jdbc.sql("""
                                INSERT INTO training_metric (run_id, name, step, value, attempt)
                                VALUES (:run, :name, :step, :value, :attempt)
                                ON CONFLICT (run_id, name, step) DO UPDATE SET value = EXCLUDED.value,
                                       recorded_at = now(), attempt = EXCLUDED.attempt
                                """)
                        .param("run", run.id())
                        .param("attempt", run.attempt())
                        .param("name", p.getKey())
                        .param("step", step)
                        .param("value", p.getValue())
                        .update();
            }
            step(step);
        });
        last.putAll(points);
    }

    @Override
    public void resumedAt(String stage, int step) {
        int removed = fence.write(
                run,
                () -> jdbc.sql("DELETE FROM training_metric WHERE run_id = :run AND name LIKE :stage AND step > :step")
                        .param("run", run.id())
                        .param("stage", stage + "/%")
                        .param("step", step)
                        .update());
        info("Resumed " + stage + " from its checkpoint at step " + step + " (attempt " + run.attempt() + "); "
                + removed + " later metric points of the interrupted attempt were dropped");
    }

    private void write(String level, String message) {
        String text = message.length() > 4_000 ? message.substring(0, 4_000) + "…" : message;
        fence.write(
                run,
                () -> jdbc.sql("""
                                INSERT INTO training_run_log (run_id, level, message, attempt)
                                VALUES (:run, :level, :message, :attempt)
                                """)
                        .param("run", run.id())
                        .param("attempt", run.attempt())
                        .param("level", level)
                        .param("message", text)
                        .update());
        log.info("run {}: {}", run.id(), text); // after: a line refused by the fence is no line of the run
    }

    /** Collects bytes into lines; each finished line is one INFO row. */
    private final class LineSink extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() {
            // PrintStream flushes after println; a partial line waits for its newline.
        }

        private void flushLine() {
            String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
            line.reset();
            if (!text.isEmpty()) {
                info(text);
            }
        }
    }
}
