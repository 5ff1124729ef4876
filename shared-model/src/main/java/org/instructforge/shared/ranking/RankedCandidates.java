package org.instructforge.shared.ranking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One labeler's ranking of the K = 4..9 candidate outputs of one prompt (InstructGPT step 2), or their verdict
 * that the candidates cannot be ranked ("all outputs are bad").
 *
 * <p>Ranks: 1 = best, equal ranks are ties. Only the order matters. {@link #of(List, List)} accepts any ranks in
 * 1..K whose best rank is 1, so the tie styles a form may send give the same ranking: dense {@code [1, 1, 2, 3]}
 * and standard competition {@code [1, 1, 3, 4]} are equal. {@link #rankOf} always answers in standard competition
 * style (one plus the number of candidates ranked strictly better), so a rank is a position in 1..K as the labeler
 * saw it, and rankings with and without ties are comparable rank for rank.
 *
 * <p>Candidate ids are the {@code ranking_candidate.id} values; the order they are given in is kept.
 */
public final class RankedCandidates {

    /** InstructGPT ranks between 4 and 9 outputs per prompt. */
    public static final int MIN_CANDIDATES = 4;

    public static final int MAX_CANDIDATES = 9;

    private final List<Long> candidates;
    /** Competition ranks per candidate; empty when not rankable. */
    private final Map<Long, Integer> ranks;

    private RankedCandidates(List<Long> candidates, Map<Long, Integer> ranks) {
        this.candidates = candidates;
        this.ranks = ranks;
    }

    /**
     * A ranking from parallel lists: {@code ranks.get(i)} is the rank of {@code candidateIds.get(i)}.
     *
     * @throws IllegalArgumentException when K is outside 4..9, the lists differ in length, a candidate repeats,
     *     a rank is missing or outside 1..K, or no candidate has rank 1
     */
    public static RankedCandidates of(List<Long> candidateIds, List<Integer> ranks) {
        List<Long> ids = checkedCandidates(candidateIds);
        if (ranks.size() != ids.size()) {
            throw new IllegalArgumentException(
                    "got " + ids.size() + " candidates but " + ranks.size() + " ranks; every candidate needs a rank");
        }
        int k = ids.size();
        // Distinct ranks in order; a candidate's competition rank is 1 + how many candidates sit in better ranks.
        TreeMap<Integer, Integer> countPerRank = new TreeMap<>();
        for (int i = 0; i < k; i++) {
            Integer rank = ranks.get(i);
            if (rank == null) {
                throw new IllegalArgumentException("candidate " + ids.get(i) + " has no rank; use notRankable(...)"
                        + " when the outputs cannot be ranked");
            }
            if (rank < 1 || rank > k) {
                throw new IllegalArgumentException(
                        "candidate " + ids.get(i) + " has rank " + rank + ", outside 1.." + k + " (1 = best)");
            }
            countPerRank.merge(rank, 1, Integer::sum);
        }
        if (countPerRank.firstKey() != 1) {
            throw new IllegalArgumentException("no candidate has rank 1 (best); ranks given: " + ranks);
        }
        Map<Integer, Integer> competitionRank = new TreeMap<>();
        int better = 0;
        for (Map.Entry<Integer, Integer> e : countPerRank.entrySet()) {
            competitionRank.put(e.getKey(), better + 1);
            better += e.getValue();
        }
        Map<Long, Integer> normalised = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            normalised.put(ids.get(i), competitionRank.get(ranks.get(i)));
        }
        return new RankedCandidates(ids, Collections.unmodifiableMap(normalised));
    }

    /** A ranking from candidate id to rank; see {@link #of(List, List)}. */
    public static RankedCandidates of(Map<Long, Integer> rankByCandidate) {
        List<Long> ids = new ArrayList<>(rankByCandidate.keySet());
        List<Integer> ranks = new ArrayList<>(rankByCandidate.values());
        return of(ids, ranks);
    }

    /** A strict ranking without ties, best first (e.g. a task's {@code gold_order}). */
    public static RankedCandidates ofOrder(List<Long> bestFirst) {
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < bestFirst.size(); i++) {
            ranks.add(i + 1);
        }
        return of(bestFirst, ranks);
    }

    /** A ranking as tiers, best first; candidates in one tier are tied (several outputs in one rank slot). */
    public static RankedCandidates ofTiers(List<? extends Collection<Long>> tiersBestFirst) {
        List<Long> ids = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        for (int tier = 0; tier < tiersBestFirst.size(); tier++) {
            if (tiersBestFirst.get(tier).isEmpty()) {
                throw new IllegalArgumentException("tier " + (tier + 1) + " is empty");
            }
            for (Long id : tiersBestFirst.get(tier)) {
                ids.add(id);
                ranks.add(tier + 1);
            }
        }
        return of(ids, ranks);
    }

    /**
     * A ranking read back from storage: empty, instead of an exception, when the stored rows do not form one (fewer
     * than {@value #MIN_CANDIDATES} outputs, a rank missing or outside 1..K, no rank 1, an output twice). A reader
     * that sums up many rankings (agreement figures, the review queue's gold flags) leaves such a row out and names
     * it, rather than failing the whole page over one row.
     */
    public static Optional<RankedCandidates> readStored(
            List<Long> candidateIds, List<Integer> ranks, boolean notRankable) {
        try {
            return Optional.of(notRankable ? notRankable(candidateIds) : of(candidateIds, ranks));
        } catch (IllegalArgumentException | NullPointerException unreadable) {
            return Optional.empty();
        }
    }

    /** The labeler's verdict that these candidates cannot be ranked; it yields no comparisons. */
    public static RankedCandidates notRankable(List<Long> candidateIds) {
        return new RankedCandidates(checkedCandidates(candidateIds), Map.of());
    }

    private static List<Long> checkedCandidates(List<Long> candidateIds) {
        int k = candidateIds.size();
        if (k < MIN_CANDIDATES || k > MAX_CANDIDATES) {
            throw new IllegalArgumentException("a ranking has " + MIN_CANDIDATES + " to " + MAX_CANDIDATES
                    + " candidates (InstructGPT's K), got " + k);
        }
        Set<Long> seen = new HashSet<>();
        for (Long id : candidateIds) {
            Objects.requireNonNull(id, "candidate id");
            if (!seen.add(id)) {
                throw new IllegalArgumentException("candidate " + id + " appears twice in one ranking");
            }
        }
        return List.copyOf(candidateIds);
    }

    /** The candidate ids, in the order given. */
    public List<Long> candidates() {
        return candidates;
    }

    /** K, the number of candidates. */
    public int size() {
        return candidates.size();
    }

    public boolean isRankable() {
        return !ranks.isEmpty();
    }

    /**
     * The candidate's rank in competition style: 1 + the number of candidates ranked strictly better.
     *
     * @throws IllegalStateException when the ranking is "not rankable"
     * @throws IllegalArgumentException when the candidate is not part of this ranking
     */
    public int rankOf(long candidateId) {
        if (!isRankable()) {
            throw new IllegalStateException("a not-rankable verdict has no ranks");
        }
        Integer rank = ranks.get(candidateId);
        if (rank == null) {
            throw new IllegalArgumentException("candidate " + candidateId + " is not part of this ranking");
        }
        return rank;
    }

    /** Negative when {@code a} is ranked better than {@code b}, zero on a tie, positive when worse. */
    public int compare(long a, long b) {
        return Integer.compare(rankOf(a), rankOf(b));
    }

    /** The candidates grouped by rank, best first; tied candidates share a tier. Empty when not rankable. */
    public List<List<Long>> tiers() {
        TreeMap<Integer, List<Long>> byRank = new TreeMap<>();
        ranks.forEach((id, rank) ->
                byRank.computeIfAbsent(rank, r -> new ArrayList<>()).add(id));
        return byRank.values().stream().map(List::copyOf).toList();
    }

    /** Whether both cover exactly the same candidates (two labelers' rankings of one task). */
    public boolean sameCandidatesAs(RankedCandidates other) {
        return Set.copyOf(candidates).equals(Set.copyOf(other.candidates));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankedCandidates other
                && Set.copyOf(candidates).equals(Set.copyOf(other.candidates))
                && ranks.equals(other.ranks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Set.copyOf(candidates), ranks);
    }

    @Override
    public String toString() {
        return isRankable() ? "RankedCandidates" + tiers() : "RankedCandidates[not rankable " + candidates + "]";
    }
}
