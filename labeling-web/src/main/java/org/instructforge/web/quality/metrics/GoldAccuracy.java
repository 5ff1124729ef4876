package org.instructforge.web.quality.metrics;

import java.util.List;
import java.util.OptionalDouble;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * A labeler's accuracy on a gold item ({@code ranking_task.is_gold}, whose {@code gold_order} is known): the share
 * of the pairs gold orders strictly that the labeler orders the same way. This is the pairwise accuracy a reward
 * model is scored by (InstructGPT: 72.4 % on training labelers' comparisons), applied to a person.
 *
 * <p>A labeler's tie on a pair gold orders strictly counts as a miss, and so does a not-rankable verdict on a gold
 * item (it orders none of gold's pairs): gold items are chosen to have one right order.
 */
public final class GoldAccuracy {

    private GoldAccuracy() {}

    /**
     * @return the share in [0, 1]; empty only when gold itself orders no pair strictly
     * @throws IllegalArgumentException when the rankings cover different candidates
     * @throws IllegalArgumentException when gold is a not-rankable verdict
     */
    public static OptionalDouble of(RankedCandidates labeler, RankedCandidates gold) {
        LabelerPairs.requireSameCandidates(labeler, gold);
        if (!gold.isRankable()) {
            throw new IllegalArgumentException("a gold order must rank its candidates");
        }
        List<Long> ids = gold.candidates();
        int goldStrict = 0;
        int same = 0;
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                int g = Integer.signum(gold.compare(ids.get(i), ids.get(j)));
                if (g == 0) {
                    continue;
                }
                goldStrict++;
                if (labeler.isRankable() && Integer.signum(labeler.compare(ids.get(i), ids.get(j))) == g) {
                    same++;
                }
            }
        }
        return goldStrict == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) same / goldStrict);
    }
}
