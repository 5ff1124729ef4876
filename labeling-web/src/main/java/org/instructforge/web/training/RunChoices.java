package org.instructforge.web.training;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.LabelMinimum;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a run can be made of: datasets and label rounds, for the form's choices and the request's validation; and
 * whether the chosen data holds anything to train on. Checkpoints come from {@link CheckpointCatalog}.
 */
@Component
class RunChoices {

    record DatasetChoice(long id, String name, boolean active) {}

    record RoundChoice(long id, long datasetId, String name, String kind, String feedbackSource) {}

    private final JdbcClient jdbc;

    RunChoices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<DatasetChoice> activeDatasets() {
        return jdbc.sql("SELECT id, name, status = 'ACTIVE' FROM prompt_dataset WHERE status = 'ACTIVE' ORDER BY name")
                .query((rs, n) -> new DatasetChoice(rs.getLong(1), rs.getString(2), rs.getBoolean(3)))
                .list();
    }

    /** Ranking rounds of active datasets: the only labels a run can be narrowed to by round. */
    List<RoundChoice> rankingRounds() {
        return jdbc.sql("""
                        SELECT r.id, r.dataset_id, r.name, r.kind, r.feedback_source FROM label_round r
                        JOIN prompt_dataset d ON d.id = r.dataset_id
                        WHERE d.status = 'ACTIVE' AND r.kind = 'RANKING' ORDER BY r.id DESC""").query(RunChoices::round).list();
    }

    Map<Long, DatasetChoice> datasets(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc
                .sql("SELECT id, name, status = 'ACTIVE' FROM prompt_dataset WHERE id IN (:ids)")
                .param("ids", ids)
                .query((rs, n) -> new DatasetChoice(rs.getLong(1), rs.getString(2), rs.getBoolean(3)))
                .list()
                .stream()
                .collect(Collectors.toMap(DatasetChoice::id, Function.identity()));
    }

    Map<Long, RoundChoice> rounds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc
                .sql("SELECT id, dataset_id, name, kind, feedback_source FROM label_round WHERE id IN (:ids)")
                .param("ids", ids)
                .query(RunChoices::round)
                .list()
                .stream()
                .collect(Collectors.toMap(RoundChoice::id, Function.identity()));
    }

    // The checks below ask for what the training service's worker reads (its LabelData): the same labels of usable
    // (V027) TRAIN and VALID prompts, so a run that passes them has the examples LabelMinimum asks for.

    /** How many usable examples a run would read: on TRAIN prompts, and on VALID ones (to validate on). */
    record LabelCounts(long train, long validation) {

        boolean enough() {
            return LabelMinimum.enough(train, validation);
        }
    }

    /** SFT reads trainable demonstrations (V039) of usable TRAIN and VALID prompts. */
    LabelCounts demonstrations(DataSelection data) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE p.split = 'TRAIN'), count(*) FILTER (WHERE p.split = 'VALID')
                        FROM demonstration d
                          JOIN prompt p ON p.id = d.prompt_id
                          JOIN app_user u ON u.id = d.labeler_id
                        WHERE p.dataset_id IN (:datasets) AND p.split IN ('TRAIN', 'VALID') AND prompt_usable(p)
                          AND demonstration_trainable(d, u)""")
                .param("datasets", data.datasetIds())
                .query((rs, n) -> new LabelCounts(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /**
     * A reward model reads rankings of usable TRAIN and VALID prompts with K = 4..9 ranked outputs: of the chosen
     * rounds (all when none), human unless AI counts.
     */
    LabelCounts rankings(DataSelection data) {
        return rankingQuery(
                        "SELECT count(*) FILTER (WHERE p.split = 'TRAIN'), count(*) FILTER (WHERE p.split = 'VALID')",
                        data)
                .query((rs, n) -> new LabelCounts(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /**
     * The most ranked outputs one of those rankings has (K), or empty when there are none: a reward-model or DPO
     * step takes every output of each ranking in its batch, so K sizes its memory.
     */
    java.util.OptionalInt mostOutputsPerRanking(DataSelection data) {
        List<Integer> most = rankingQuery("SELECT max(" + RANKED_OUTPUTS + ")::int", data)
                .query(Integer.class)
                .list();
        Integer k = most.isEmpty() ? null : most.get(0); // max() of no rows is NULL
        return k == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(k);
    }

    private static final String RANKED_OUTPUTS =
            "(SELECT count(*) FROM ranking_entry e WHERE e.ranking_id = r.id AND e.rank IS NOT NULL)";

    private static final String RANKINGS_READ = """
            FROM ranking r
              JOIN ranking_task t ON t.id = r.task_id
              JOIN prompt p ON p.id = t.prompt_id
              JOIN app_user u ON u.id = r.labeler_id
            WHERE p.dataset_id IN (:datasets) AND p.split IN ('TRAIN', 'VALID') AND prompt_usable(p)
              AND ranking_trainable(r, u)
              AND %s BETWEEN :minK AND :maxK
              AND (:anyRound OR t.round_id IN (:rounds))
              AND (:ai OR r.feedback_source = 'HUMAN')""".formatted(RANKED_OUTPUTS);

    /** {@code select} over the rankings a reward model reads from {@code data} (see {@link #rankings}). */
    private JdbcClient.StatementSpec rankingQuery(String select, DataSelection data) {
        return jdbc.sql(select + " " + RANKINGS_READ)
                .param("datasets", data.datasetIds())
                .param("minK", RankedCandidates.MIN_CANDIDATES)
                .param("maxK", RankedCandidates.MAX_CANDIDATES)
                .param("anyRound", data.roundIds().isEmpty())
                // IN () is not SQL: an id no round has stands in when every round counts.
                .param("rounds", data.roundIds().isEmpty() ? List.of(-1L) : data.roundIds())
                .param("ai", data.includeAiFeedback());
    }

    /** PPO samples the active TRAIN prompts that are clear of PII (or scrubbed). */
    boolean hasTrainPrompts(DataSelection data) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM prompt p
                          WHERE dataset_id IN (:datasets) AND split = 'TRAIN' AND prompt_usable(p))""")
                .param("datasets", data.datasetIds())
                .query(Boolean.class)
                .single();
    }

    private static RoundChoice round(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new RoundChoice(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }
}
