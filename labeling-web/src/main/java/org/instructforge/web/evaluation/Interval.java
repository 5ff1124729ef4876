package org.instructforge.web.evaluation;

/** A 95 % confidence interval. */
public record Interval(double low, double high) {}
