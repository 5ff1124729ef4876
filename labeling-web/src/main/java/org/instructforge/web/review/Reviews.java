package org.instructforge.web.review;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.labeling.LabelingProperties;
import org.instructforge.web.quality.LabelQuality;
import org.instructforge.web.ranking.MetadataFlag;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * The second pass over submitted labels. The queue holds the labels picked for review (the dataset's share, drawn at
 * submit by {@link ReviewSampling}) and every unreviewed label of a labeler flagged by low gold accuracy. A reviewer
 * accepts a demonstration, edits it (the edit becomes the training text; what the labeler wrote is kept) or rejects
 * it with a reason its author sees; a ranking is accepted or rejected. A rejected label stops counting as one of its
 * item's labels, so the queue asks someone else for a new one. What may be trained on follows from the outcome in
 * the schema ({@code demonstration_trainable}, {@code ranking_trainable}, V039). Every decision is audited.
 */
@Service
public class Reviews {

    /** What is reviewed. */
    public enum Kind {
        DEMONSTRATION,
        RANKING;

        /** The URL segment: {@code demonstrations} or {@code rankings}. */
        public String path() {
            return name().toLowerCase(Locale.ROOT) + "s";
        }
    }

    /** What a reviewer decides. EDIT is for demonstrations only. */
    public enum Decision {
        ACCEPT,
        EDIT,
        REJECT
    }

    /** One label waiting for review; {@code why} says how it got into the queue. */
    public record QueueItem(
            Kind kind, long id, String dataset, String promptStart, String author, Instant submittedAt, String why) {}

    /** A demonstration as the reviewer sees it. */
    public record DemonstrationReview(
            long id,
            String dataset,
            String guidelines,
            String prompt,
            String author,
            String text,
            String reviewStatus,
            String reviewedText,
            String reviewReason) {

        public boolean decided() {
            return reviewStatus != null && !reviewStatus.equals("PENDING");
        }
    }

    /** One output of a ranking under review, best first. */
    public record RankedOutput(Integer rank, Integer likert, String text, List<String> flags) {}

    /** A ranking as the reviewer sees it. */
    public record RankingReview(
            long id,
            String dataset,
            String guidelines,
            String prompt,
            String author,
            boolean notRankable,
            String notRankableReason,
            List<RankedOutput> outputs,
            String reviewStatus,
            String reviewReason) {

        public boolean decided() {
            return reviewStatus != null && !reviewStatus.equals("PENDING");
        }
    }

    /** A review of one of the labeler's own labels, as its author sees it. */
    public record Outcome(
            Kind kind, long id, String promptStart, String status, String reason, String editedText, Instant at) {}

    /** A decision the reviewer must correct (a blank reason or edit); the page shows it beside the form. */
    public static final class InvalidDecisionException extends RuntimeException {
        InvalidDecisionException(String message) {
            super(message);
        }
    }

    private static final int QUEUE_SIZE = 200;
    private static final int PROMPT_START = 120;
    private static final int MAX_REASON = 2000;

    private final JdbcClient jdbc;
    private final LabelQuality quality;
    private final AuditTrail audit;
    private final ReviewProperties properties;
    private final int maxDemonstrationChars;

    Reviews(
            JdbcClient jdbc,
            LabelQuality quality,
            AuditTrail audit,
            ReviewProperties properties,
            LabelingProperties labeling) {
        this.jdbc = jdbc;
        this.quality = quality;
        this.audit = audit;
        this.properties = properties;
        this.maxDemonstrationChars = labeling.maxDemonstrationChars();
    }

    /** Labelers whose gold accuracy is below the floor, over enough gold items (the quality page's figure). */
    Set<Long> flaggedLabelers() {
        return quality.goldScores().entrySet().stream()
                .filter(e -> e.getValue().items() >= properties.minGoldItems()
                        && e.getValue().accuracy() < properties.goldAccuracyFloor())
                .map(java.util.Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /**
     * What waits for this reviewer, oldest first: never their own labels, only of prompts still usable (V027).
     */
    @Transactional(readOnly = true)
    public List<QueueItem> queue(String reviewer) {
        List<Long> flagged = new ArrayList<>(flaggedLabelers());
        flagged.add(-1L); // IN () is not SQL
        return jdbc.sql("""
                        SELECT 'DEMONSTRATION', x.id, d.name, left(p.text, :start), u.username, x.submitted_at,
                               x.review_status = 'PENDING'
                        FROM demonstration x JOIN prompt p ON p.id = x.prompt_id
                          JOIN prompt_dataset d ON d.id = p.dataset_id JOIN app_user u ON u.id = x.labeler_id
                        WHERE x.status = 'SUBMITTED' AND prompt_usable(p) AND u.username <> :me
                          AND (x.review_status = 'PENDING' OR (x.review_status IS NULL AND x.labeler_id IN (:flagged)))
                        UNION ALL
                        SELECT 'RANKING', r.id, d.name, left(p.text, :start), u.username, r.submitted_at,
                               r.review_status = 'PENDING'
                        FROM ranking r JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
                          JOIN prompt_dataset d ON d.id = p.dataset_id JOIN app_user u ON u.id = r.labeler_id
                        WHERE r.feedback_source = 'HUMAN' AND prompt_usable(p) AND u.username <> :me
                          AND (r.review_status = 'PENDING' OR (r.review_status IS NULL AND r.labeler_id IN (:flagged)))
                        ORDER BY 6, 2 LIMIT :limit""")
                .param("start", PROMPT_START)
                .param("me", reviewer)
                .param("flagged", flagged)
                .param("limit", QUEUE_SIZE)
                .query((rs, n) -> new QueueItem(
                        Kind.valueOf(rs.getString(1)),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getBoolean(7) ? "picked for review" : "author's gold accuracy is low"))
                .list();
    }

    @Transactional(readOnly = true)
    public DemonstrationReview demonstration(long id, String reviewer) {
        DemonstrationReview review = jdbc.sql("""
                        SELECT x.id, d.name, d.guidelines, p.text, u.username, x.text, x.review_status,
                               x.reviewed_text, x.review_reason
                        FROM demonstration x JOIN prompt p ON p.id = x.prompt_id
                          JOIN prompt_dataset d ON d.id = p.dataset_id JOIN app_user u ON u.id = x.labeler_id
                        WHERE x.id = :id AND x.status <> 'DRAFT'""")
                .param("id", id)
                .query((rs, n) -> new DemonstrationReview(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)))
                .optional()
                .orElseThrow(() -> notFound(Kind.DEMONSTRATION, id));
        requireNotOwn(review.author(), reviewer);
        return review;
    }

    @Transactional(readOnly = true)
    public RankingReview ranking(long id, String reviewer) {
        record Head(
                String dataset,
                String guidelines,
                String prompt,
                String author,
                boolean notRankable,
                String reason,
                String status,
                String reviewReason) {}
        Head head = jdbc.sql("""
                        SELECT d.name, d.guidelines, p.text, u.username, r.not_rankable, r.not_rankable_reason,
                               r.review_status, r.review_reason
                        FROM ranking r JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
                          JOIN prompt_dataset d ON d.id = p.dataset_id JOIN app_user u ON u.id = r.labeler_id
                        WHERE r.id = :id AND r.feedback_source = 'HUMAN'""")
                .param("id", id)
                .query((rs, n) -> new Head(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)))
                .optional()
                .orElseThrow(() -> notFound(Kind.RANKING, id));
        requireNotOwn(head.author(), reviewer);
        String flagColumns = java.util.Arrays.stream(MetadataFlag.values())
                .map(flag -> "e." + flag.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        List<RankedOutput> outputs = jdbc.sql("SELECT e.rank, e.likert, c.text, " + flagColumns + """
                         FROM ranking_entry e JOIN ranking_candidate c ON c.id = e.candidate_id
                        WHERE e.ranking_id = :id ORDER BY e.rank NULLS LAST, c.position""")
                .param("id", id)
                .query((rs, n) -> {
                    List<String> flags = new ArrayList<>();
                    for (MetadataFlag flag : MetadataFlag.values()) {
                        if (rs.getBoolean(4 + flag.ordinal())) {
                            flags.add(flag.label());
                        }
                    }
                    return new RankedOutput(
                            rs.getObject(1, Integer.class), rs.getObject(2, Integer.class), rs.getString(3), flags);
                })
                .list();
        return new RankingReview(
                id,
                head.dataset(),
                head.guidelines(),
                head.prompt(),
                head.author(),
                head.notRankable(),
                head.reason(),
                outputs,
                head.status(),
                head.reviewReason());
    }

    /**
     * Records a reviewer's decision on a demonstration.
     *
     * @param editedText the training text for EDIT
     * @param reason why, for REJECT (shown to the author)
     * @throws InvalidDecisionException for a blank or over-long edit or reason, or an edit that changes nothing
     */
    @Transactional
    public void decideDemonstration(long id, String reviewer, Decision decision, String editedText, String reason) {
        DemonstrationReview review = demonstration(id, reviewer);
        String edit = decision == Decision.EDIT ? checkedEdit(editedText, review.text()) : null;
        String why = decision == Decision.REJECT ? checkedReason(reason) : null;
        long reviewerId = accountId(reviewer);
        String outcome = switch (decision) {
            case ACCEPT -> "ACCEPTED";
            case EDIT -> "EDITED";
            case REJECT -> "REJECTED";
        };
        int changed = jdbc.sql("""
                        UPDATE demonstration SET review_status = :outcome, reviewed_text = :edit, review_reason = :why,
                          reviewer_id = :reviewer, reviewed_at = :now,
                          status = CASE WHEN :outcome = 'REJECTED' THEN 'REJECTED' ELSE status END
                        WHERE id = :id AND status = 'SUBMITTED'
                          AND (review_status IS NULL OR review_status = 'PENDING')""")
                .param("outcome", outcome)
                .param("edit", edit)
                .param("why", why)
                .param("reviewer", reviewerId)
                .param("now", Timestamp.from(Instant.now()))
                .param("id", id)
                .update();
        requireUndecided(changed, Kind.DEMONSTRATION, id);
        if (decision == Decision.REJECT) {
            // No longer one of the prompt's demonstrations: the queue asks someone else for a new one.
            jdbc.sql("""
                            UPDATE prompt SET demonstrations_done = greatest(demonstrations_done - 1, 0)
                            WHERE id = (SELECT prompt_id FROM demonstration WHERE id = :id)""").param("id", id).update();
        }
        audit.record(
                reviewer,
                "review." + outcome.toLowerCase(Locale.ROOT),
                "demonstration",
                id,
                "author",
                review.author(),
                "reason",
                why);
    }

    /** Accepts or rejects a ranking; a rejected one's task wants a new ranking again. */
    @Transactional
    public void decideRanking(long id, String reviewer, Decision decision, String reason) {
        if (decision == Decision.EDIT) {
            throw new InvalidDecisionException("A ranking is accepted or rejected; it cannot be edited.");
        }
        RankingReview review = ranking(id, reviewer);
        String why = decision == Decision.REJECT ? checkedReason(reason) : null;
        String outcome = decision == Decision.ACCEPT ? "ACCEPTED" : "REJECTED";
        int changed = jdbc.sql("""
                        UPDATE ranking SET review_status = :outcome, review_reason = :why, reviewer_id = :reviewer,
                          reviewed_at = :now
                        WHERE id = :id AND (review_status IS NULL OR review_status = 'PENDING')""")
                .param("outcome", outcome)
                .param("why", why)
                .param("reviewer", accountId(reviewer))
                .param("now", Timestamp.from(Instant.now()))
                .param("id", id)
                .update();
        requireUndecided(changed, Kind.RANKING, id);
        if (decision == Decision.REJECT) {
            jdbc.sql("""
                            UPDATE ranking_task SET rankings_done = greatest(rankings_done - 1, 0),
                              status = CASE WHEN status = 'COMPLETE' THEN 'OPEN' ELSE status END
                            WHERE id = (SELECT task_id FROM ranking WHERE id = :id)""").param("id", id).update();
        }
        audit.record(
                reviewer,
                "review." + outcome.toLowerCase(Locale.ROOT),
                "ranking",
                id,
                "author",
                review.author(),
                "reason",
                why);
    }

    /** The reviews of this labeler's own labels, newest first. */
    @Transactional(readOnly = true)
    public List<Outcome> outcomesFor(String labeler) {
        return jdbc.sql("""
                        SELECT 'DEMONSTRATION', x.id, left(p.text, :start), x.review_status, x.review_reason,
                               x.reviewed_text, x.reviewed_at
                        FROM demonstration x JOIN prompt p ON p.id = x.prompt_id JOIN app_user u ON u.id = x.labeler_id
                        WHERE u.username = :me AND x.reviewed_at IS NOT NULL
                        UNION ALL
                        SELECT 'RANKING', r.id, left(p.text, :start), r.review_status, r.review_reason, NULL,
                               r.reviewed_at
                        FROM ranking r JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
                          JOIN app_user u ON u.id = r.labeler_id
                        WHERE u.username = :me AND r.reviewed_at IS NOT NULL
                        ORDER BY 7 DESC, 2 DESC LIMIT :limit""")
                .param("start", PROMPT_START)
                .param("me", labeler)
                .param("limit", QUEUE_SIZE)
                .query((rs, n) -> new Outcome(
                        Kind.valueOf(rs.getString(1)),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant()))
                .list();
    }

    private String checkedEdit(String text, String original) {
        if (text == null || text.isBlank()) {
            throw new InvalidDecisionException("Write the corrected demonstration, or accept it as it is.");
        }
        String edit = text.strip();
        if (edit.length() > maxDemonstrationChars) {
            throw new InvalidDecisionException("A demonstration can be at most " + maxDemonstrationChars
                    + " characters; the edit has " + edit.length() + ".");
        }
        if (edit.equals(original.strip())) {
            throw new InvalidDecisionException("The edit changes nothing: accept the demonstration as it is.");
        }
        return edit;
    }

    private static String checkedReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidDecisionException("Say why you reject this label: its author will read it.");
        }
        if (reason.strip().length() > MAX_REASON) {
            throw new InvalidDecisionException("A reason can be at most " + MAX_REASON + " characters.");
        }
        return reason.strip();
    }

    private static void requireNotOwn(String author, String reviewer) {
        if (author.equals(reviewer)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "You cannot review your own labels.");
        }
    }

    private static void requireUndecided(int changed, Kind kind, long id) {
        if (changed == 0) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "This " + kind.name().toLowerCase(Locale.ROOT) + " (" + id + ") has been reviewed already.");
        }
    }

    private static ResponseStatusException notFound(Kind kind, long id) {
        return new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No submitted " + kind.name().toLowerCase(Locale.ROOT) + " " + id);
    }

    private long accountId(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", username)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN, "No account " + username));
    }
}
