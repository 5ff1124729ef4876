package org.instructforge.web.evaluation;

/** An evaluation round with its human results and, kept apart and marked as such, its AI-feedback results. */
public record RoundResult(EvaluationRound round, Result human, Result ai) {}
