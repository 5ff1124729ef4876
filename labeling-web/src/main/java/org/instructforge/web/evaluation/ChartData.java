package org.instructforge.web.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.instructforge.web.ranking.MetadataFlag;

/**
 * A bar chart's data in Chart.js's shape ({@code labels} along the axis, one {@code datasets} entry per series),
 * handed to {@code evaluation-charts.js} in a data attribute; a null value is a missing bar.
 */
record ChartData(List<String> labels, List<Series> datasets) {

    record Series(String label, List<Double> data) {}

    /** Per metadata flag, one bar per model: the percentage of its ranked outputs that carry the flag. */
    static ChartData flagRates(List<ModelLabels> models) {
        List<String> labels = new ArrayList<>();
        for (MetadataFlag flag : MetadataFlag.values()) {
            labels.add(flag.label());
        }
        List<Series> series = new ArrayList<>();
        for (ModelLabels model : models) {
            if (model.rankedOutputs() > 0) {
                List<Double> percentages = new ArrayList<>();
                for (MetadataFlag flag : MetadataFlag.values()) {
                    percentages.add(Math.round(model.flagRates().get(flag.name()) * 1000) / 10.0);
                }
                series.add(new Series(model.name(), percentages));
            }
        }
        return new ChartData(labels, series);
    }

    /** Per model, its mean 1-7 Likert score while ranked and while compared in evaluations. */
    static ChartData likert(List<ModelLabels> models) {
        List<String> labels = new ArrayList<>();
        List<Double> ranked = new ArrayList<>();
        List<Double> compared = new ArrayList<>();
        for (ModelLabels model : models) {
            labels.add(model.name());
            ranked.add(model.meanLikertRankings());
            compared.add(model.meanLikertComparisons());
        }
        return new ChartData(
                labels, List.of(new Series("In rankings", ranked), new Series("In evaluations", compared)));
    }
}
