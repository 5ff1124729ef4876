package org.instructforge.web.evaluation;

import java.time.Instant;
import org.instructforge.web.checkpoint.CheckpointRef;

/**
 * An evaluation round: the candidate (A, the round's policy) against the baseline (B) on prompts of a split.
 *
 * @param judge the reward model that judges an AI-feedback round
 * @param runId the EVALUATION run that writes both models' outputs
 */
public record EvaluationRound(
        long id,
        String name,
        String status,
        CheckpointRef candidate,
        CheckpointRef baseline,
        String datasetName,
        String split,
        Integer promptCount,
        int labelsWanted,
        String feedbackSource,
        CheckpointRef judge,
        Long runId,
        Instant createdAt) {}
