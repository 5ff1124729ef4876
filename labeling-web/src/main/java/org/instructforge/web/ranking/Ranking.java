package org.instructforge.web.ranking;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * One labeler's ranking of one task. Every individual ranking is kept; it is made complete or not at all:
 * every output ranked 1..K (ties share a rank), or the whole set marked not rankable with a reason.
 */
@Entity
@Table(name = "ranking")
class Ranking {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "task_id", nullable = false)
    private long taskId;

    @Column(name = "labeler_id", nullable = false)
    private long labelerId;

    @Column(name = "feedback_source", nullable = false, length = 8)
    private String feedbackSource = "HUMAN";

    @Column(name = "not_rankable", nullable = false)
    private boolean notRankable;

    @Column(name = "not_rankable_reason")
    private String notRankableReason;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "display_order", nullable = false)
    private String displayOrder;

    @Column(name = "duration_ms")
    private Long durationMs;

    @Column(name = "submitted_at", nullable = false)
    private Instant submittedAt = Instant.now();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "ranking_entry", joinColumns = @JoinColumn(name = "ranking_id"))
    private List<RankingEntry> entries = new ArrayList<>();

    protected Ranking() {}

    /**
     * Checks a submission against the task's outputs and builds the ranking.
     *
     * @param candidates the task's candidate ids
     * @param displayOrder the order this labeler saw them in
     * @throws InvalidRankingException when an output is missing, unknown or ranked outside 1..K, a Likert
     *     score is outside 1..7, or "not rankable" comes without a reason; naming the field at fault where one is
     */
    static Ranking submit(
            long taskId, long labelerId, List<Long> candidates, List<Long> displayOrder, RankingSubmission submission) {
        Ranking ranking = new Ranking();
        ranking.taskId = taskId;
        ranking.labelerId = labelerId;
        ranking.displayOrder = displayOrder.toString();
        ranking.durationMs =
                submission.durationMs() == null || submission.durationMs() < 0 ? null : submission.durationMs();
        ranking.record(candidates, submission);
        return ranking;
    }

    /**
     * Replaces the ranks, scores, labels and "not rankable" with a revision, checked as a first submission is (the
     * caller has checked that no training run has read the ranking and kept the version it replaces).
     */
    void revise(List<Long> candidates, RankingSubmission submission) {
        entries.clear(); // a refused revision throws, and its transaction rolls back: the ranking stays as it was
        record(candidates, submission);
        submittedAt = Instant.now();
    }

    private void record(List<Long> candidates, RankingSubmission submission) {
        this.notRankable = false;
        this.notRankableReason = null;
        checkKnown(candidates, submission.likert().keySet());
        checkKnown(candidates, submission.flags().keySet());
        submission.likert().forEach((candidate, score) -> {
            if (score == null || score < 1 || score > 7) {
                throw InvalidRankingException.badScore(candidate, score);
            }
        });
        RankedCandidates ranked;
        if (submission.notRankable()) {
            if (submission.notRankableReason() == null
                    || submission.notRankableReason().isBlank()) {
                throw new InvalidRankingException("Say why these outputs cannot be ranked.", "reason");
            }
            this.notRankable = true;
            this.notRankableReason = submission.notRankableReason().strip();
            ranked = null;
        } else {
            checkKnown(candidates, submission.ranks().keySet());
            submission.ranks().forEach((candidate, rank) -> {
                if (rank == null || rank < 1 || rank > candidates.size()) {
                    throw InvalidRankingException.badRank(candidate, rank, candidates.size());
                }
            });
            if (!submission.ranks().keySet().equals(new HashSet<>(candidates))) {
                throw new InvalidRankingException("Give every output a rank (1 = best; equal ranks are ties).");
            }
            try {
                ranked = RankedCandidates.of(
                        candidates,
                        candidates.stream().map(submission.ranks()::get).toList());
            } catch (IllegalArgumentException e) {
                throw new InvalidRankingException("This ranking is not complete: " + e.getMessage());
            }
        }
        for (long candidate : candidates) {
            this.entries.add(new RankingEntry(
                    candidate,
                    ranked == null ? null : ranked.rankOf(candidate),
                    submission.likert().get(candidate),
                    submission.flags().getOrDefault(candidate, Set.of())));
        }
    }

    Long getId() {
        return id;
    }

    /** The ranking as the page's form holds it, to revise it there. */
    EnteredRanking entered() {
        Map<Long, String> ranks = new HashMap<>();
        Map<Long, String> likert = new HashMap<>();
        Map<Long, Set<String>> flags = new HashMap<>();
        for (RankingEntry entry : entries) {
            if (entry.rank() != null) {
                ranks.put(entry.candidateId(), entry.rank().toString());
            }
            if (entry.likert() != null) {
                likert.put(entry.candidateId(), entry.likert().toString());
            }
            flags.put(
                    entry.candidateId(),
                    entry.flags().stream()
                            .map(Enum::name)
                            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
        return new EnteredRanking(
                ranks, likert, flags, notRankable, notRankableReason == null ? "" : notRankableReason);
    }

    private static void checkKnown(List<Long> candidates, Set<Long> mentioned) {
        for (long id : mentioned) {
            if (!candidates.contains(id)) {
                throw new InvalidRankingException("Output " + id + " is not part of this task.");
            }
        }
    }
}
