package org.instructforge.training.toolbox;

import java.util.Map;

/**
 * Where a trainer reports its metrics each step: a JSONL file for the command line and the experiment report, the
 * database for the dashboard. Values are named as in the trainers' javadoc ({@code loss}, {@code reward_mean}...).
 */
@FunctionalInterface
public interface MetricSink {

    void record(String stage, int step, Map<String, Double> values);

    /** A run resumed after {@code step}: points recorded later by the killed run are obsolete. */
    default void resumedAt(String stage, int step) {}

    MetricSink NONE = (stage, step, values) -> {};
}
