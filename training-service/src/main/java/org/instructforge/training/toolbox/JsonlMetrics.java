package org.instructforge.training.toolbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Metrics as one JSON line per step ({@code {"stage":"ppo","step":3,"reward_mean":0.41,...}}), appended as they come
 * so a killed run keeps what it measured; a resumed run drops the lines after its checkpoint.
 */
public final class JsonlMetrics implements MetricSink {

    /** One recorded line. */
    public record Point(String stage, int step, Map<String, Double> values) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path file;
    private final List<Point> points = new ArrayList<>();

    /** Opens (and reads back) {@code file}; it is created on the first record. */
    public JsonlMetrics(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                Map<String, Double> values = new LinkedHashMap<>();
                n.properties().forEach(e -> {
                    if (e.getValue().isNumber() && !e.getKey().equals("step")) {
                        values.put(e.getKey(), e.getValue().asDouble());
                    }
                });
                points.add(new Point(n.path("stage").asString(), n.path("step").asInt(), values));
            }
        }
    }

    @Override
    public synchronized void record(String stage, int step, Map<String, Double> values) {
        Point p = new Point(stage, step, new LinkedHashMap<>(values));
        points.add(p);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(
                    file, line(p) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void resumedAt(String stage, int step) {
        points.removeIf(p -> p.stage().equals(stage) && p.step() > step);
        try {
            List<String> lines = new ArrayList<>();
            for (Point p : points) {
                lines.add(line(p));
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every point of one stage, in step order. */
    public synchronized List<Point> of(String stage) {
        return points.stream().filter(p -> p.stage().equals(stage)).toList();
    }

    /** One metric of a stage as (steps, values), skipping steps that did not record it. */
    public synchronized double[][] series(String stage, String metric) {
        List<Point> withMetric =
                of(stage).stream().filter(p -> p.values().containsKey(metric)).toList();
        double[][] xy = new double[2][withMetric.size()];
        for (int i = 0; i < withMetric.size(); i++) {
            xy[0][i] = withMetric.get(i).step();
            xy[1][i] = withMetric.get(i).values().get(metric);
        }
        return xy;
    }

    private static String line(Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", p.stage());
        m.put("step", p.step());
        p.values().forEach((k, v) -> m.put(k, Double.isFinite(v) ? v : null));
        return JSON.writeValueAsString(m);
    }
}
