package org.instructforge.web.checkpoint;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.RunInputs;

/**
 * A READY checkpoint of the registry with its lineage.
 *
 * @param lineage the checkpoints it descends from, the root (a base model) first, its parent last
 * @param referencePolicy PPO: the SFT policy of the KL penalty
 * @param rewardModel PPO: the reward model it was optimised against
 * @param trainingRunId the run that wrote it (none for an imported base model)
 * @param metrics the metrics its run recorded (JSON object)
 */
public record Checkpoint(
        long id,
        String name,
        CheckpointKind kind,
        List<CheckpointRef> lineage,
        CheckpointRef referencePolicy,
        CheckpointRef rewardModel,
        Long trainingRunId,
        String storagePath,
        String sha256,
        Long sizeBytes,
        Map<String, Object> metrics,
        boolean currentPolicy,
        Instant publishedAt,
        Instant createdAt)
        implements java.io.Serializable {

    /** One metric as the registry's table shows it; nested objects are flattened into dotted names. */
    public record MetricRow(String name, String value) {}

    /** Whether it can answer prompts as a policy (and so be published or evaluated); reward models cannot. */
    public boolean policy() {
        return RunInputs.startKinds(RunType.CANDIDATES).contains(kind);
    }

    public CheckpointRef ref() {
        return new CheckpointRef(id, name, kind, true);
    }

    public List<MetricRow> metricRows() {
        List<MetricRow> rows = new ArrayList<>();
        flatten("", metrics, rows);
        return rows;
    }

    /** The size in binary units, as file managers show it. */
    public String size() {
        if (sizeBytes == null) {
            return "—";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = sizeBytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? sizeBytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static void flatten(String prefix, Map<?, ?> values, List<MetricRow> rows) {
        values.forEach((key, value) -> {
            String name = prefix + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name + ".", nested, rows);
            } else {
                rows.add(new MetricRow(name, format(value)));
            }
        });
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double number = ((Number) value).doubleValue();
            return Double.isFinite(number)
                    ? new BigDecimal(number)
                            .round(new MathContext(5))
                            .stripTrailingZeros()
                            .toPlainString()
                    : String.valueOf(number);
        }
        return String.valueOf(value);
    }
}
