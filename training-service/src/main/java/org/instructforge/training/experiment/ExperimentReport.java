package org.instructforge.training.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.instructforge.training.rlhf.JsonlMetrics;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an experiment's {@code summary.json}, {@code report.md} and one PNG chart per recorded curve
 * ({@code charts/STAGE-METRIC.png}; SFT's validation loss shares the loss chart).
 */
final class ExperimentReport {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final List<String> STAGES = List.of("sft", "reward", "ppo");

    /** The targets for the documented (full) run. */
    static final double TARGET_REWARD_ACCURACY = 0.70;

    static final double TARGET_WIN_RATE = 0.60;
    static final double TARGET_MAX_KL = 10;
    static final double TARGET_DISTINCT = 0.5;

    private ExperimentReport() {}

    static void write(Path out, ExperimentSettings settings, Experiment.Summary summary, JsonlMetrics metrics)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labeler_agreement", summary.labelerAgreement());
        json.put("labeler_noise", summary.labelerNoise());
        json.put("reward_validation_accuracy", summary.rewardValidationAccuracy());
        json.put("reward_held_out_labeler_accuracy", summary.rewardHeldOutLabelerAccuracy());
        json.put("win_rate_ppo_vs_sft", summary.winRate());
        json.put("win_rate_95ci", List.of(summary.winRateLow(), summary.winRateHigh()));
        json.put("comparisons", summary.comparisons());
        json.put("mean_kl_nats", summary.meanKl());
        json.put("distinct_answer_share", Map.of("ppo", summary.ppoDistinctShare(), "sft", summary.sftDistinctShare()));
        json.put("targets_met", targets(summary));
        json.putAll(summary.details());
        json.put("settings", settings);
        JSON.writeValue(out.resolve("summary.json").toFile(), json);

        List<String> charts = charts(out, metrics);
        Files.writeString(out.resolve("report.md"), markdown(summary, charts), StandardCharsets.UTF_8);
    }

    private static Map<String, Boolean> targets(Experiment.Summary s) {
        Map<String, Boolean> t = new LinkedHashMap<>();
        t.put("reward_validation_accuracy_at_least_70pct", s.rewardValidationAccuracy() >= TARGET_REWARD_ACCURACY);
        t.put("win_rate_at_least_60pct", s.winRate() >= TARGET_WIN_RATE);
        t.put("mean_kl_at_most_10_nats", s.meanKl() <= TARGET_MAX_KL);
        t.put("most_outputs_distinct", s.ppoDistinctShare() >= TARGET_DISTINCT);
        return t;
    }

    /** One chart per metric and stage; returns the written files relative to {@code out}. */
    private static List<String> charts(Path out, JsonlMetrics metrics) throws IOException {
        List<String> written = new ArrayList<>();
        for (String stage : STAGES) {
            Set<String> names = new LinkedHashSet<>();
            metrics.of(stage).forEach(p -> names.addAll(p.values().keySet()));
            for (String metric : names) {
                if (stage.equals("sft") && metric.equals("validation_loss")) {
                    continue; // drawn with the training loss
                }
                List<LineChart.Series> series = new ArrayList<>();
                series.add(series(metrics, stage, metric));
                if (stage.equals("sft") && metric.equals("loss")) {
                    series.add(series(metrics, stage, "validation_loss"));
                }
                String file = "charts/" + stage + "-" + metric + ".png";
                LineChart.write(
                        out.resolve(file),
                        stage.toUpperCase(Locale.ROOT) + ": " + metric.replace('_', ' '),
                        stage.equals("ppo") ? "iteration" : "step",
                        metric.replace('_', ' '),
                        series);
                written.add(file);
            }
        }
        return written;
    }

    private static LineChart.Series series(JsonlMetrics metrics, String stage, String metric) {
        double[][] xy = metrics.series(stage, metric);
        return new LineChart.Series(metric.replace('_', ' '), xy[0], xy[1]);
    }

    private static String markdown(Experiment.Summary s, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# InstructForge experiment: base -> SFT -> reward model -> PPO\n\n");
        md.append("Simulated labelers (noise calibrated so two of them agree on ")
                .append(pct(s.labelerAgreement()))
                .append(" of pairs of distinct answers; InstructGPT: 72.6 %) wrote the demonstrations and rankings;")
                .append(" a held-out simulated labeler judged the final comparison blind, sides randomised.\n\n");
        md.append("| figure | value | target |\n|---|---|---|\n");
        row(
                md,
                "PPO win rate against SFT (held-out prompts)",
                pct(s.winRate()) + " [" + pct(s.winRateLow()) + ", " + pct(s.winRateHigh()) + "] of " + s.comparisons(),
                ">= 60 %");
        row(md, "Reward model validation accuracy", pct(s.rewardValidationAccuracy()), ">= 70 %");
        row(md, "Reward model accuracy against a held-out labeler", pct(s.rewardHeldOutLabelerAccuracy()), "");
        row(md, "Mean KL(PPO || SFT) per response", String.format(Locale.ROOT, "%.2f nats", s.meanKl()), "<= 10");
        row(
                md,
                "Distinct answers (PPO / SFT)",
                pct(s.ppoDistinctShare()) + " / " + pct(s.sftDistinctShare()),
                "most distinct");
        md.append("\n## Details\n\n```json\n");
        Map<String, Object> details = new LinkedHashMap<>(s.details());
        Object examples = details.remove("examples");
        md.append(JSON.writeValueAsString(details)).append("\n```\n\n");
        md.append("## Example comparisons\n\n```json\n")
                .append(JSON.writeValueAsString(examples))
                .append("\n```\n\n## Curves\n\n");
        for (String chart : charts) {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value, String target) {
        md.append("| ")
                .append(name)
                .append(" | ")
                .append(value)
                .append(" | ")
                .append(target)
                .append(" |\n");
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
