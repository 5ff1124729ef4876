package org.instructforge.training.rlhf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.toolbox.Sequences;

/**
 * Scores prompt + response token rows with a reward model: the scalar head read at each row's last real token (the
 * response's end-of-text), in batches without gradients. SFT checkpoint selection, PPO and the experiment all score
 * through here, so a response gets one score wherever it is scored.
 */
public final class RewardScorer implements RewardFunction {

    private final CausalLm rewardModel;
    private final int batchSize;

    public RewardScorer(CausalLm rewardModel, int batchSize) {
        if (!rewardModel.hasScalarHead()) {
            throw new IllegalArgumentException("A reward model needs a scalar head");
        }
        this.rewardModel = rewardModel;
        this.batchSize = batchSize;
    }

    public CausalLm model() {
        return rewardModel;
    }

    @Override
    public float[] score(NDManager manager, List<long[]> prompts, List<long[]> responses) {
        float[] out = new float[prompts.size()];
        for (int from = 0; from < prompts.size(); from += batchSize) {
            int to = Math.min(prompts.size(), from + batchSize);
            Sequences.Batch b = Sequences.of(
                    prompts.subList(from, to),
                    responses.subList(from, to),
                    rewardModel.config().eosTokenId());
            try (NDManager m = manager.newSubManager()) {
                float[] scores = forward(rewardModel, new ParameterStore(m, false), m, b, false)
                        .toFloatArray();
                System.arraycopy(scores, 0, out, from, scores.length);
            }
        }
        return out;
    }

    /** The reward of each row of a batch, (B): differentiable when {@code training}, for the reward trainer. */
    static NDArray forward(CausalLm rm, ParameterStore ps, NDManager m, Sequences.Batch b, boolean training) {
        CausalLm.Output out = rm.forward(ps, m.create(b.tokens()), m.create(b.attention()), null, null, training);
        return rm.scalarAt(ps, out.hidden(), m.create(b.lastIndex()), training);
    }
}
