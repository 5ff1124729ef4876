package org.instructforge.shared.ranking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one K-way ranking into the pairwise comparisons the reward model trains on.
 *
 * <p>InstructGPT (Ouyang et al. 2022, section 3.5): a ranking of K outputs yields C(K, 2) comparisons, and all of
 * them from one prompt form one batch element. Ties give no comparison and are dropped, so a ranking with ties
 * yields fewer than C(K, 2) pairs; a "not rankable" verdict yields none.
 */
public final class ComparisonPairs {

    private ComparisonPairs() {}

    /**
     * Every (winner, loser) pair of candidates the labeler ordered strictly, winners best first.
     *
     * <p>Example: ranks {@code [1, 2, 2, 4]} for candidates {@code a, b, c, d} give the 5 pairs a>b, a>c, a>d, b>d,
     * c>d; the tie b=c is dropped.
     */
    public static List<PreferencePair> of(RankedCandidates ranking) {
        if (!ranking.isRankable()) {
            return List.of();
        }
        List<Long> bestFirst = new ArrayList<>(ranking.candidates());
        bestFirst.sort(Comparator.comparingInt(ranking::rankOf)); // stable: ties keep the order given
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < bestFirst.size(); i++) {
            for (int j = i + 1; j < bestFirst.size(); j++) {
                long better = bestFirst.get(i);
                long worse = bestFirst.get(j);
                if (ranking.rankOf(better) < ranking.rankOf(worse)) {
                    pairs.add(new PreferencePair(better, worse));
                }
            }
        }
        return List.copyOf(pairs);
    }
}
