package org.instructforge.web.evaluation;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.instructforge.shared.RunType;
import org.instructforge.shared.Split;
import org.instructforge.web.checkpoint.Checkpoint;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.checkpoint.CheckpointRef;
import org.instructforge.web.ranking.MetadataFlag;
import org.instructforge.web.round.CreatedRound;
import org.instructforge.web.round.InvalidRoundException;
import org.instructforge.web.round.LabelRounds;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * Evaluation rounds (blind pairwise comparisons of two checkpoints on held-out prompts) and what their judgements
 * say: win rates with intervals, Bradley–Terry ratings of every compared checkpoint, and the metadata labels each
 * model's outputs received. Labels of labelers whose labels an admin excluded never count; AI-feedback judgements
 * are counted apart from people's.
 */
@Service
public class Evaluations {

    /** One counted judgement: the task's two models, which output was preferred, and who judged. */
    private record Judgement(Long roundId, long modelA, long modelB, String preferred, boolean ai) {

        BradleyTerry.Game game() {
            double scoreA = switch (preferred) {
                case "A" -> 1;
                case "B" -> 0;
                default -> 0.5; // TIE and BOTH_BAD: neither output preferred
            };
            return new BradleyTerry.Game(modelA, modelB, scoreA);
        }

        /** The judgement seen from the round's candidate: "A" when the candidate's output won. */
        String forCandidate(long candidate) {
            return switch (preferred) {
                case "A" -> modelA == candidate ? "A" : "B";
                case "B" -> modelB == candidate ? "A" : "B";
                default -> preferred;
            };
        }
    }

    private static final String ROUNDS = """
            SELECT r.id, r.name,
                   -- An OPEN round whose every pair has all its judgements is complete; the round row stays OPEN
                   -- (the queue reads the tasks' own status), so this is only what the pages and the API say.
                   CASE WHEN r.status = 'OPEN' AND EXISTS (SELECT 1 FROM comparison_task t WHERE t.round_id = r.id)
                         AND NOT EXISTS (SELECT 1 FROM comparison_task t WHERE t.round_id = r.id AND t.status = 'OPEN')
                        THEN 'COMPLETE' ELSE r.status END,
                   r.policy_checkpoint_id, r.baseline_checkpoint_id, d.name, r.split, r.prompt_count,
                   r.labels_wanted, r.feedback_source, r.judge_checkpoint_id, r.training_run_id, r.created_at
            FROM label_round r JOIN prompt_dataset d ON d.id = r.dataset_id
            WHERE r.kind = 'EVALUATION'
            """;

    private final JdbcClient jdbc;
    private final CheckpointCatalog checkpoints;
    private final LabelRounds rounds;

    Evaluations(JdbcClient jdbc, CheckpointCatalog checkpoints, LabelRounds rounds) {
        this.jdbc = jdbc;
        this.checkpoints = checkpoints;
        this.rounds = rounds;
    }

    /** Starts an evaluation round (GENERATING) with the QUEUED EVALUATION run that writes both models' outputs. */
    @Transactional
    public CreatedRound create(EvaluationForm form, String actor) {
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Checkpoint> candidate = policy("candidateId", "candidate", form.candidateId(), errors);
        Optional<Checkpoint> baseline = policy("baselineId", "baseline", form.baselineId(), errors);
        if (form.candidateId() != null && form.candidateId().equals(form.baselineId())) {
            errors.put("baselineId", "The candidate and the baseline must be two different checkpoints");
        }
        String what = "evaluation " + candidate.map(Checkpoint::name).orElse("?") + " vs "
                + baseline.map(Checkpoint::name).orElse("?");
        Optional<LabelRounds.Sampled> round = rounds.check(form, RunType.EVALUATION, Split.TEST, what, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRoundException(errors);
        }
        return rounds.start(
                "EVALUATION",
                round.orElseThrow(),
                candidate.orElseThrow().id(),
                baseline.orElseThrow().id(),
                null,
                actor);
    }

    private Optional<Checkpoint> policy(String field, String role, Long id, Map<String, String> errors) {
        if (id == null) {
            errors.put(field, "Choose the " + role + " checkpoint");
            return Optional.empty();
        }
        Optional<Checkpoint> checkpoint = checkpoints.find(id);
        if (checkpoint.isEmpty()) {
            errors.put(field, "No ready checkpoint with id " + id);
        } else if (!checkpoint.get().policy()) {
            errors.put(
                    field,
                    "'" + checkpoint.get().name() + "' is a " + checkpoint.get().kind()
                            + " checkpoint, not a policy: compare BASE, SFT or PPO checkpoints");
            return Optional.empty();
        }
        return checkpoint;
    }

    @Transactional(readOnly = true)
    public EvaluationOverview overview() {
        List<EvaluationRound> all = rounds(jdbc.sql(ROUNDS + " ORDER BY r.id DESC"));
        List<Judgement> judgements = judgements(null);
        Map<Long, String> names = checkpoints.names();
        // The baseline of the first evaluation round anchors the scale, so ratings read as "Elo above the SFT
        // baseline" round after round.
        Long anchor = all.isEmpty() ? null : all.get(all.size() - 1).baseline().id();
        return new EvaluationOverview(
                all.stream().map(r -> result(r, judgements)).toList(),
                Ratings.of(games(judgements, false), anchor, names),
                Ratings.of(games(judgements, true), anchor, names),
                labels(names));
    }

    @Transactional(readOnly = true)
    public RoundResult round(long id) {
        EvaluationRound round = rounds(jdbc.sql(ROUNDS + " AND r.id = :id").param("id", id)).stream()
                .findFirst()
                .orElseThrow(
                        () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No evaluation round with id " + id));
        return result(round, judgements(id));
    }

    private static RoundResult result(EvaluationRound round, List<Judgement> judgements) {
        WinRate human = WinRate.NONE;
        WinRate ai = WinRate.NONE;
        long candidate = round.candidate().id();
        for (Judgement j : judgements) {
            if (j.roundId() != null && j.roundId() == round.id()) {
                if (j.ai()) {
                    ai = ai.plus(j.forCandidate(candidate));
                } else {
                    human = human.plus(j.forCandidate(candidate));
                }
            }
        }
        return new RoundResult(round, Result.of(human), Result.of(ai));
    }

    private static List<BradleyTerry.Game> games(List<Judgement> judgements, boolean ai) {
        return judgements.stream()
                .filter(j -> j.ai() == ai)
                .map(Judgement::game)
                .toList();
    }

    /** Every counted judgement, of one round or of all comparisons. */
    private List<Judgement> judgements(Long roundId) {
        return jdbc.sql("""
                        SELECT t.round_id, t.model_a_id, t.model_b_id, j.preferred, j.feedback_source
                        FROM comparison_judgement j JOIN comparison_task t ON t.id = j.task_id
                        JOIN app_user u ON u.id = j.labeler_id
                        WHERE NOT u.labels_excluded AND (CAST(:round AS BIGINT) IS NULL OR t.round_id = :round)
                        ORDER BY j.id""")
                .param("round", roundId, Types.BIGINT)
                .query((rs, n) -> new Judgement(
                        rs.getObject(1, Long.class),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4),
                        "AI".equals(rs.getString(5))))
                .list();
    }

    /**
     * Per model: the share of its ranked outputs labelers flagged with each metadata label (a column of
     * ranking_entry named like the flag), the mean Likert score in rankings, and the mean Likert score its outputs
     * got in pairwise evaluations. Only people's labels: the AI labeler sets no flags.
     */
    private List<ModelLabels> labels(Map<Long, String> names) {
        StringBuilder flagColumns = new StringBuilder();
        for (MetadataFlag flag : MetadataFlag.values()) {
            flagColumns.append(", avg(e.").append(flag.column()).append("::int)::float8");
        }
        record Ranked(long model, long outputs, Double likert, Map<String, Double> rates) {}
        List<Ranked> ranked = jdbc.sql(
                        "SELECT c.model_checkpoint_id, count(*), avg(e.likert)::float8" + flagColumns + """
                         FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id
                        JOIN app_user u ON u.id = r.labeler_id
                        JOIN ranking_candidate c ON c.id = e.candidate_id
                        WHERE c.model_checkpoint_id IS NOT NULL AND r.feedback_source = 'HUMAN' AND NOT u.labels_excluded
                        GROUP BY c.model_checkpoint_id""")
                .query((rs, n) -> {
                    Map<String, Double> rates = new LinkedHashMap<>();
                    MetadataFlag[] flags = MetadataFlag.values();
                    for (int i = 0; i < flags.length; i++) {
                        rates.put(flags[i].name(), rs.getDouble(4 + i));
                    }
                    return new Ranked(rs.getLong(1), rs.getLong(2), rs.getObject(3, Double.class), rates);
                })
                .list();
        record Compared(long model, long outputs, Double likert) {}
        List<Compared> compared = jdbc.sql("""
                        SELECT model, count(*), avg(likert)::float8 FROM (
                          SELECT t.model_a_id AS model, j.likert_a AS likert FROM comparison_judgement j
                            JOIN comparison_task t ON t.id = j.task_id JOIN app_user u ON u.id = j.labeler_id
                            WHERE j.feedback_source = 'HUMAN' AND NOT u.labels_excluded
                          UNION ALL
                          SELECT t.model_b_id, j.likert_b FROM comparison_judgement j
                            JOIN comparison_task t ON t.id = j.task_id JOIN app_user u ON u.id = j.labeler_id
                            WHERE j.feedback_source = 'HUMAN' AND NOT u.labels_excluded) sides
                        GROUP BY model""")
                .query((rs, n) -> new Compared(rs.getLong(1), rs.getLong(2), rs.getObject(3, Double.class)))
                .list();
        Map<Long, Ranked> byModel = new HashMap<>();
        ranked.forEach(r -> byModel.put(r.model(), r));
        Map<Long, Compared> comparedByModel = new HashMap<>();
        compared.forEach(c -> comparedByModel.put(c.model(), c));
        TreeSet<Long> models = new TreeSet<>(byModel.keySet());
        models.addAll(comparedByModel.keySet());
        return models.stream()
                .map(model -> {
                    Ranked r = byModel.get(model);
                    Compared c = comparedByModel.get(model);
                    return new ModelLabels(
                            model,
                            names.getOrDefault(model, "#" + model),
                            r == null ? 0 : r.outputs(),
                            r == null ? Map.of() : r.rates(),
                            r == null ? null : r.likert(),
                            c == null ? 0 : c.outputs(),
                            c == null ? null : c.likert());
                })
                .toList();
    }

    /** The rounds a query of {@link #ROUNDS} finds, with their models named by the checkpoint catalog. */
    private List<EvaluationRound> rounds(JdbcClient.StatementSpec query) {
        record Row(
                long id,
                String name,
                String status,
                long candidate,
                long baseline,
                String datasetName,
                String split,
                Integer promptCount,
                int labelsWanted,
                String feedbackSource,
                Long judge,
                Long runId,
                Instant createdAt) {}
        List<Row> rows = query.query((rs, n) -> new Row(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getObject(8, Integer.class),
                        rs.getInt(9),
                        rs.getString(10),
                        rs.getObject(11, Long.class),
                        rs.getObject(12, Long.class),
                        rs.getObject(13, OffsetDateTime.class).toInstant()))
                .list();
        Set<Long> models = new HashSet<>();
        for (Row row : rows) {
            models.add(row.candidate());
            models.add(row.baseline());
            if (row.judge() != null) {
                models.add(row.judge());
            }
        }
        Map<Long, CheckpointRef> refs = checkpoints.refs(models);
        return rows.stream()
                .map(row -> new EvaluationRound(
                        row.id(),
                        row.name(),
                        row.status(),
                        refs.get(row.candidate()),
                        refs.get(row.baseline()),
                        row.datasetName(),
                        row.split(),
                        row.promptCount(),
                        row.labelsWanted(),
                        row.feedbackSource(),
                        row.judge() == null ? null : refs.get(row.judge()),
                        row.runId(),
                        row.createdAt()))
                .toList();
    }
}
