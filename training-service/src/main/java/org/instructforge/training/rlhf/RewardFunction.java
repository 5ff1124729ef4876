package org.instructforge.training.rlhf;

import ai.djl.ndarray.NDManager;
import java.util.List;

/** What PPO maximises: a score per (prompt, response) token row, normally a {@link RewardScorer}'s reward model. */
@FunctionalInterface
public interface RewardFunction {

    float[] score(NDManager manager, List<long[]> prompts, List<long[]> responses);
}
