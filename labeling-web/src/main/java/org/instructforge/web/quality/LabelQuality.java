package org.instructforge.web.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.IntStream;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.web.quality.metrics.GoldAccuracy;
import org.instructforge.web.quality.metrics.KendallTau;
import org.instructforge.web.quality.metrics.KrippendorffAlpha;
import org.instructforge.web.quality.metrics.PairwiseAgreement;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Label quality for admins: agreement between labelers, gold accuracy, throughput and time per task. */
@Service
public class LabelQuality {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    LabelQuality(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * A labeler's reviewed labels (demonstrations and rankings a reviewer decided on) and how many passed: accepted,
     * or (demonstrations) accepted with an edit. Labels still awaiting review are not counted.
     */
    private static final String REVIEW_OUTCOMES = """
            SELECT count(*) AS reviewed, count(*) FILTER (WHERE outcome <> 'REJECTED') AS passed
            FROM (SELECT x.review_status AS outcome FROM demonstration x WHERE x.labeler_id = u.id
                    AND x.review_status IN ('ACCEPTED', 'EDITED', 'REJECTED')
                  UNION ALL
                  SELECT r.review_status FROM ranking r WHERE r.labeler_id = u.id
                    AND r.review_status IN ('ACCEPTED', 'REJECTED')) outcomes
            """;

    /** The report over every labeler. */
    @Transactional(readOnly = true)
    public QualityReport report() {
        return report(ALL_TEAMS);
    }

    /** No team filter: {@link #report(long)} over every labeler. */
    public static final long ALL_TEAMS = 0;

    /**
     * The report over one team's labelers ({@link #ALL_TEAMS}: everyone): the labelers listed, and every agreement
     * figure (overall and each labeler's) computed among that team's rankings only.
     */
    @Transactional(readOnly = true)
    public QualityReport report(long team) {
        HumanRankings human = humanRankings(team);
        Map<Long, Map<Long, RankedCandidates>> byItem = human.byItem();
        Set<Long> excluded = Set.copyOf(jdbc.sql("SELECT id FROM app_user WHERE labels_excluded")
                .query(Long.class)
                .list());
        List<Map<Long, RankedCandidates>> overlapping = new ArrayList<>();
        for (Map<Long, RankedCandidates> item : byItem.values()) {
            Map<Long, RankedCandidates> kept = new LinkedHashMap<>(item);
            kept.keySet().removeAll(excluded);
            if (kept.size() >= 2) {
                overlapping.add(kept);
            }
        }
        Map<Long, Double> agreementByLabeler = PairwiseAgreement.perLabeler(
                byItem.values().stream().filter(item -> item.size() >= 2).toList());
        Map<Long, Double> goldByLabeler = new HashMap<>();
        goldScores(byItem).forEach((labeler, gold) -> goldByLabeler.put(labeler, gold.accuracy()));
        List<LabelerStats> labelers = jdbc.sql("""
                        SELECT u.id, u.username, u.display_name, u.enabled, u.labels_excluded,
                          (SELECT count(*) FROM demonstration x WHERE x.labeler_id = u.id AND x.status = 'SUBMITTED'),
                          (SELECT count(*) FROM ranking r WHERE r.labeler_id = u.id AND r.feedback_source = 'HUMAN'),
                          (SELECT count(*) FROM comparison_judgement j WHERE j.labeler_id = u.id
                             AND j.feedback_source = 'HUMAN'),
                          (SELECT count(*) FROM task_assignment a WHERE a.labeler_id = u.id AND a.status = 'SUBMITTED'
                             AND a.completed_at >= date_trunc('day', now())),
                          (SELECT count(*) FROM task_assignment a WHERE a.labeler_id = u.id AND a.status = 'SUBMITTED'
                             AND a.completed_at >= now() - interval '7 days'),
                          (SELECT count(*) FROM task_assignment a WHERE a.labeler_id = u.id AND a.status = 'SKIPPED'),
                          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms) / 1000.0
                             FROM ranking r WHERE r.labeler_id = u.id AND r.duration_ms IS NOT NULL
                               AND r.feedback_source = 'HUMAN'),
                          o.reviewed, o.passed
                        FROM app_user u CROSS JOIN LATERAL (""" + REVIEW_OUTCOMES + """
                        ) o
                        WHERE EXISTS (SELECT 1 FROM app_user_role ur WHERE ur.user_id = u.id AND ur.role = 'LABELER')
                          AND (:team = 0 OR EXISTS (SELECT 1 FROM team_member m WHERE m.user_id = u.id
                                                    AND m.team_id = :team))
                        ORDER BY u.username""")
                .param("team", team)
                .query((rs, n) -> new LabelerStats(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        rs.getBoolean(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getLong(11),
                        (Double) rs.getObject(12, Double.class),
                        agreementByLabeler.get(rs.getLong(1)),
                        goldByLabeler.get(rs.getLong(1)),
                        rs.getLong(13),
                        rs.getLong(13) == 0 ? null : (double) rs.getLong(14) / rs.getLong(13)))
                .list();
        return new QualityReport(
                overlapping.size(),
                value(PairwiseAgreement.average(overlapping)),
                value(KendallTau.average(overlapping)),
                value(KrippendorffAlpha.ordinalOverCandidates(overlapping)),
                labelers,
                aiFeedback(),
                human.unreadable());
    }

    /** The AI labeler's labels (RLAIF): counted apart, never in the figures above. */
    private QualityReport.AiFeedback aiFeedback() {
        return jdbc.sql("""
                        SELECT (SELECT count(*) FROM ranking WHERE feedback_source = 'AI'),
                               (SELECT count(*) FROM comparison_judgement WHERE feedback_source = 'AI')""")
                .query((rs, n) -> new QualityReport.AiFeedback(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /**
     * Every readable human ranking per ranking task, keyed by labeler, and the ids of stored rankings that do not
     * form a ranking ({@link RankedCandidates#readStored}), left out of every figure.
     */
    private record HumanRankings(Map<Long, Map<Long, RankedCandidates>> byItem, List<Long> unreadable) {}

    /**
     * Every human ranking (of one team's labelers, or of everyone), per ranking task, keyed by labeler (AI feedback
     * is not a labeler's agreement).
     */
    private HumanRankings humanRankings(long team) {
        record Row(long ranking, long task, long labeler, boolean notRankable, long candidate, Integer rank) {}
        List<Row> rows = jdbc.sql("""
                        SELECT r.id, r.task_id, r.labeler_id, r.not_rankable, e.candidate_id, e.rank
                        FROM ranking r JOIN ranking_entry e ON e.ranking_id = r.id
                        WHERE r.feedback_source = 'HUMAN' AND NOT ranking_rejected(r)
                          AND (:team = 0 OR r.labeler_id IN (SELECT user_id FROM team_member WHERE team_id = :team))
                        ORDER BY r.id, e.candidate_id""")
                .param("team", team)
                .query((rs, n) ->
                        new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4), rs.getLong(5), (Integer)
                                rs.getObject(6, Integer.class)))
                .list();
        Map<Long, Map<Long, RankedCandidates>> byItem = new LinkedHashMap<>();
        List<Long> unreadable = new ArrayList<>();
        Map<Long, List<Row>> byRanking = new LinkedHashMap<>();
        rows.forEach(row -> byRanking
                .computeIfAbsent(row.ranking(), id -> new ArrayList<>())
                .add(row));
        for (List<Row> ranking : byRanking.values()) {
            Row first = ranking.get(0);
            List<Long> ids = ranking.stream().map(Row::candidate).toList();
            RankedCandidates.readStored(ids, ranking.stream().map(Row::rank).toList(), first.notRankable())
                    .ifPresentOrElse(
                            ranked -> byItem.computeIfAbsent(first.task(), t -> new LinkedHashMap<>())
                                    .put(first.labeler(), ranked),
                            () -> unreadable.add(first.ranking()));
        }
        return new HumanRankings(byItem, List.copyOf(unreadable));
    }

    /**
     * A labeler's gold accuracy: the mean of {@link GoldAccuracy} over the gold items they ranked.
     *
     * @param items how many gold items the mean is over
     */
    public record GoldScore(double accuracy, int items) {}

    /** Every labeler's gold accuracy, as the quality page shows it (the review queue flags labelers by it). */
    @Transactional(readOnly = true)
    public Map<Long, GoldScore> goldScores() {
        return goldScores(humanRankings(ALL_TEAMS).byItem());
    }

    private Map<Long, GoldScore> goldScores(Map<Long, Map<Long, RankedCandidates>> byItem) {
        Map<Long, double[]> sums = new HashMap<>();
        jdbc.sql("SELECT id, gold_order::text FROM ranking_task WHERE is_gold")
                .query((rs, n) -> {
                    Map<Long, RankedCandidates> item = byItem.get(rs.getLong(1));
                    if (item != null) {
                        List<Long> order = List.of(json.readValue(rs.getString(2), Long[].class));
                        // A gold order that is no ranking, or a ranking of other outputs, scores nobody.
                        RankedCandidates.readStored(
                                        order,
                                        IntStream.rangeClosed(1, order.size())
                                                .boxed()
                                                .toList(),
                                        false)
                                .ifPresent(gold -> item.forEach((labeler, ranking) -> {
                                    if (Set.copyOf(ranking.candidates()).equals(Set.copyOf(order))) {
                                        GoldAccuracy.of(ranking, gold).ifPresent(accuracy -> {
                                            double[] sum = sums.computeIfAbsent(labeler, l -> new double[2]);
                                            sum[0] += accuracy;
                                            sum[1]++;
                                        });
                                    }
                                }));
                    }
                    return null;
                })
                .list();
        Map<Long, GoldScore> scores = new HashMap<>();
        sums.forEach((labeler, sum) -> scores.put(labeler, new GoldScore(sum[0] / sum[1], (int) sum[1])));
        return scores;
    }

    private static Double value(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
