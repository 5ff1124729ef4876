package org.instructforge.web.round;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.Split;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.Hyperparameter;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.checkpoint.Checkpoint;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.dataset.DatasetSummary;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.training.RunRequests;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starting label rounds. A RANKING or EVALUATION round starts GENERATING, with a QUEUED run (CANDIDATES or
 * EVALUATION) that the training service claims: it samples the round's prompts, writes the tasks and opens the
 * round. A DEMONSTRATION round holds fresh prompts chosen now ({@code label_round_prompt}) and opens at once.
 *
 * <p>Checks are one method for forms and the API alike, and report every problem at once, keyed by field. Round
 * names are unique (checked under a lock on the name), so a form sent twice starts one round.
 */
@Service
public class LabelRounds {

    /** Prompts a round may use: usable (active and cleared of PII, V027), in the chosen split of the dataset. */
    private static final String USABLE_PROMPTS = """
            FROM prompt p WHERE p.dataset_id = :dataset AND p.split = :split AND prompt_usable(p)
            """;

    /** ... fresh ones for demonstrations: nobody submitted one yet, and no open demonstration round holds them. */
    private static final String FRESH_PROMPTS = USABLE_PROMPTS + """
              AND NOT EXISTS (SELECT 1 FROM demonstration x WHERE x.prompt_id = p.id AND x.status = 'SUBMITTED')
              AND NOT EXISTS (SELECT 1 FROM label_round_prompt rp JOIN label_round r ON r.id = rp.round_id
                              WHERE rp.prompt_id = p.id AND r.status IN ('GENERATING', 'OPEN'))
            """;

    private static final int MAX_NAME = 200;

    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * A sampled round's checked settings.
     *
     * @param sampling every sampling setting, defaults filled in
     */
    public record Sampled(
            String name,
            long datasetId,
            Split split,
            int promptCount,
            int labelsWanted,
            FeedbackSource feedback,
            Long judgeId,
            Map<String, Object> sampling) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final CheckpointCatalog checkpoints;
    private final AuditTrail audit;
    private final Datasets datasets;
    private final RunRequests runs;

    LabelRounds(
            JdbcClient jdbc,
            JsonMapper json,
            CheckpointCatalog checkpoints,
            AuditTrail audit,
            Datasets datasets,
            RunRequests runs) {
        this.datasets = datasets;
        this.runs = runs;
        this.jdbc = jdbc;
        this.json = json;
        this.checkpoints = checkpoints;
        this.audit = audit;
    }

    /**
     * A free name for a new round, for a form to propose: "what · time", numbered when a round started within the
     * same second has it.
     */
    @Transactional(readOnly = true)
    public String proposeName(String what) {
        String stamped = what + " · " + NAME_TIME.format(Instant.now());
        int room = MAX_NAME - " (99)".length();
        String base = stamped.length() <= room ? stamped : stamped.substring(stamped.length() - room);
        String name = base;
        for (int n = 2; existingRound(name).isPresent(); n++) {
            name = base + " (" + n + ")";
        }
        return name;
    }

    /** The sampling defaults of a CANDIDATES or EVALUATION run as a form shows them. */
    public static Map<String, String> samplingDefaults(RunType run) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Hyperparameter p : Hyperparameters.of(run)) {
            values.put(p.name(), p.formattedDefault());
        }
        return values;
    }

    /**
     * Checks a sampled round's settings and adds what is wrong to {@code errors}.
     *
     * @param run the run that will sample it (CANDIDATES or EVALUATION): its sampling settings are checked
     * @param defaultSplit the split when none is given (TRAIN for the next round, TEST for held-out evaluations)
     * @param defaultWhat what the round is called, when no name is given (a time is added)
     * @return the checked settings, or empty when something is wrong
     */
    @Transactional(readOnly = true)
    public Optional<Sampled> check(
            SampledRoundForm form, RunType run, Split defaultSplit, String defaultWhat, Map<String, String> errors) {
        int before = errors.size();
        String name = checkName(form.name(), defaultWhat, errors);
        Split split = checkSplit(form.split(), defaultSplit, Set.of(Split.values()), errors);
        checkDatasetAndPrompts(form, split, USABLE_PROMPTS, "prompts", errors);
        int labelsWanted = form.labelsWanted() == null ? 1 : form.labelsWanted();
        if (labelsWanted < 1 || labelsWanted > 10) {
            errors.put("labelsWanted", "Labels per item must be between 1 and 10");
        }
        FeedbackSource feedback = FeedbackSource.HUMAN;
        if (form.feedbackSource() != null && !form.feedbackSource().isBlank()) {
            try {
                feedback = FeedbackSource.valueOf(form.feedbackSource().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put(
                        "feedbackSource",
                        "Feedback comes from HUMAN labelers or an AI judge, not '" + form.feedbackSource() + "'");
            }
        }
        Long judge = null;
        if (feedback == FeedbackSource.AI) {
            judge = form.judgeCheckpointId();
            if (judge == null) {
                errors.put("judgeCheckpointId", "AI feedback needs a judge: choose a reward model");
            } else {
                Optional<Checkpoint> found = checkpoints.find(judge);
                if (found.isEmpty()) {
                    errors.put("judgeCheckpointId", "No ready checkpoint with id " + judge);
                } else if (found.get().kind() != CheckpointKind.REWARD) {
                    errors.put(
                            "judgeCheckpointId",
                            "The judge must be a reward model; '" + found.get().name() + "' is a "
                                    + found.get().kind() + " checkpoint");
                }
            }
        }
        Hyperparameters.Validation sampling = Hyperparameters.validate(run, form.sampling());
        sampling.errors().forEach((parameter, message) -> errors.put("sampling." + parameter, message));
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Sampled(
                name, form.datasetId(), split, form.promptCount(), labelsWanted, feedback, judge, sampling.values()));
    }

    /**
     * Inserts a GENERATING round and the QUEUED run that fills it, in the caller's transaction. The run's
     * hyperparameters are the sampling settings plus {@code promptCount} (and {@code outputsPerPrompt} for a
     * ranking round): the worker reads both from there.
     *
     * @param kind RANKING (a CANDIDATES run writes K outputs of {@code policy} per prompt) or EVALUATION
     *     ({@code policy} against {@code baseline})
     */
    @Transactional
    public CreatedRound start(
            String kind, Sampled round, long policy, Long baseline, Integer outputsPerPrompt, String actor) {
        RunType runType = "RANKING".equals(kind) ? RunType.CANDIDATES : RunType.EVALUATION;
        lockFreeName(round.name());
        long roundId = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, policy_checkpoint_id, sampling, feedback_source,
                                                 created_by, status, split, prompt_count, outputs_per_prompt,
                                                 baseline_checkpoint_id, judge_checkpoint_id, labels_wanted)
                        VALUES (:dataset, :kind, :name, :policy, CAST(:sampling AS jsonb), :feedback,
                                (SELECT id FROM app_user WHERE username = :actor), 'GENERATING', :split, :prompts,
                                :outputs, :baseline, :judge, :labels)
                        RETURNING id""")
                .param("dataset", round.datasetId())
                .param("kind", kind)
                .param("name", round.name())
                .param("policy", policy)
                .param("sampling", json.writeValueAsString(round.sampling()))
                .param("feedback", round.feedback().name())
                .param("actor", actor)
                .param("split", round.split().name())
                .param("prompts", round.promptCount())
                .param("outputs", outputsPerPrompt, Types.INTEGER)
                .param("baseline", baseline, Types.BIGINT)
                .param("judge", round.judgeId(), Types.BIGINT)
                .param("labels", round.labelsWanted())
                .query(Long.class)
                .single();
        // The sampling settings were validated alone (validate rejects names it does not know); the counts the
        // worker needs are added afterwards.
        Map<String, Object> hyperparameters = new LinkedHashMap<>(round.sampling());
        if (outputsPerPrompt != null) {
            hyperparameters.put("outputsPerPrompt", outputsPerPrompt);
        }
        hyperparameters.put("promptCount", round.promptCount());
        long runId = runs.queueRoundRun(
                runType,
                round.name(),
                hyperparameters,
                new DataSelection(List.of(round.datasetId()), List.of(), false),
                policy,
                roundId,
                actor);
        jdbc.sql("UPDATE label_round SET training_run_id = :run WHERE id = :round")
                .param("run", runId)
                .param("round", roundId)
                .update();
        audit.record(actor, "round.started", "label_round", roundId, "kind", kind, "name", round.name(), "run", runId);
        return new CreatedRound(roundId, kind, round.name(), "GENERATING", runId, round.promptCount());
    }

    /** Starts a demonstration round on fresh TRAIN or VALID prompts (TEST prompts stay held out). */
    @Transactional
    public CreatedRound startDemonstrations(DemonstrationRoundForm form, String actor) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = checkName(form.name(), "demonstrations", errors);
        Split split = checkSplit(form.split(), Split.TRAIN, Set.of(Split.TRAIN, Split.VALID), errors);
        checkDatasetAndPrompts(form, split, FRESH_PROMPTS, "fresh prompts (without a submitted demonstration)", errors);
        if (!errors.isEmpty()) {
            throw new InvalidRoundException(errors);
        }
        lockFreeName(name);
        long roundId = jdbc.sql("""
                        INSERT INTO label_round (dataset_id, kind, name, created_by, status, split, prompt_count)
                        VALUES (:dataset, 'DEMONSTRATION', :name, (SELECT id FROM app_user WHERE username = :actor),
                                'OPEN', :split, :prompts)
                        RETURNING id""")
                .param("dataset", form.datasetId())
                .param("name", name)
                .param("actor", actor)
                .param("split", split.name())
                .param("prompts", form.promptCount())
                .query(Long.class)
                .single();
        int held = jdbc.sql("INSERT INTO label_round_prompt (round_id, prompt_id) SELECT :round, p.id " + FRESH_PROMPTS
                        + " ORDER BY random() LIMIT :prompts")
                .param("round", roundId)
                .param("dataset", form.datasetId())
                .param("split", split.name())
                .param("prompts", form.promptCount())
                .update();
        // A concurrent round may have taken some of them since the check: record what this one holds.
        jdbc.sql("UPDATE label_round SET prompt_count = :held WHERE id = :round")
                .param("held", Math.max(held, 1))
                .param("round", roundId)
                .update();
        audit.record(actor, "round.started", "label_round", roundId, "kind", "DEMONSTRATION", "prompts", held);
        return new CreatedRound(roundId, "DEMONSTRATION", name, "OPEN", null, held);
    }

    /** The datasets a new round can take prompts from: the active ones. */
    @Transactional(readOnly = true)
    public List<DatasetSummary> datasetChoices() {
        return datasets.summaries().stream()
                .filter(d -> "ACTIVE".equals(d.status()))
                .toList();
    }

    /** Rounds of one kind, newest first; for DEMONSTRATION rounds with how many of their prompts are done. */
    @Transactional(readOnly = true)
    public List<RoundSummary> rounds(String kind) {
        return summaries("r.kind = :value", kind);
    }

    /** The rounds whose outputs this policy writes (or wrote). */
    @Transactional(readOnly = true)
    public List<RoundSummary> roundsOf(long policy) {
        return summaries("r.policy_checkpoint_id = :value", policy);
    }

    private List<RoundSummary> summaries(String condition, Object value) {
        return jdbc.sql("""
                        SELECT r.id, r.kind, r.name, r.status, d.name, r.split, r.prompt_count, r.outputs_per_prompt,
                               r.feedback_source, r.training_run_id, r.created_at,
                               (SELECT count(*) FROM label_round_prompt rp WHERE rp.round_id = r.id
                                  AND EXISTS (SELECT 1 FROM demonstration x WHERE x.prompt_id = rp.prompt_id
                                              AND x.status = 'SUBMITTED'))
                        FROM label_round r JOIN prompt_dataset d ON d.id = r.dataset_id
                        """ + "WHERE " + condition + " ORDER BY r.id DESC")
                .param("value", value)
                .query((rs, n) -> new RoundSummary(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getObject(7, Integer.class),
                        rs.getObject(8, Integer.class),
                        rs.getString(9),
                        rs.getObject(10, Long.class),
                        rs.getObject(11, OffsetDateTime.class).toInstant(),
                        rs.getLong(12)))
                .list();
    }

    private String checkName(String given, String defaultWhat, Map<String, String> errors) {
        String name = given == null || given.isBlank() ? proposeName(defaultWhat) : given.strip();
        if (name.length() > MAX_NAME) {
            errors.put("name", "The round name can be at most " + MAX_NAME + " characters");
        } else {
            existingRound(name).ifPresent(id -> errors.put("name", duplicateName(name, id)));
        }
        return name;
    }

    /**
     * Takes a transaction lock on the name and refuses it when a round has it: two submits of one form (a double
     * click) race here, and the second finds the first's round.
     */
    private void lockFreeName(String name) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('label_round.name'), hashtext(:name))")
                .param("name", name)
                .query((rs, n) -> 1)
                .list();
        existingRound(name).ifPresent(id -> {
            throw new InvalidRoundException(Map.of("name", duplicateName(name, id)));
        });
    }

    private Optional<Long> existingRound(String name) {
        return jdbc.sql("SELECT id FROM label_round WHERE name = :name")
                .param("name", name)
                .query(Long.class)
                .optional();
    }

    private static String duplicateName(String name, long id) {
        return "A round named '" + name + "' exists already (round " + id
                + "); a form sent twice starts one round, give a new round a new name";
    }

    private static Split checkSplit(String given, Split defaultSplit, Set<Split> allowed, Map<String, String> errors) {
        if (given == null || given.isBlank()) {
            return defaultSplit;
        }
        try {
            Split split = Split.valueOf(given.strip().toUpperCase(Locale.ROOT));
            if (!allowed.contains(split)) {
                errors.put(
                        "split",
                        split + " prompts are held out for evaluation; demonstrations come from TRAIN or"
                                + " VALID prompts");
            }
            return split;
        } catch (IllegalArgumentException e) {
            errors.put("split", "The split is TRAIN, VALID or TEST, not '" + given + "'");
            return defaultSplit;
        }
    }

    /** The dataset exists and is active, and its split has at least {@code promptCount} prompts of this kind. */
    private void checkDatasetAndPrompts(
            RoundForm form, Split split, String prompts, String what, Map<String, String> errors) {
        Integer count = form.promptCount();
        if (count == null) {
            errors.put("promptCount", "Say how many prompts the round takes");
        } else if (count < 1) {
            errors.put("promptCount", "A round takes at least 1 prompt");
        }
        if (form.datasetId() == null) {
            errors.put("datasetId", "Choose the dataset the prompts come from");
            return;
        }
        record Dataset(String name, String status) {}
        Optional<Dataset> dataset = jdbc.sql("SELECT name, status FROM prompt_dataset WHERE id = :id")
                .param("id", form.datasetId())
                .query((rs, n) -> new Dataset(rs.getString(1), rs.getString(2)))
                .optional();
        if (dataset.isEmpty()) {
            errors.put("datasetId", "No prompt dataset with id " + form.datasetId());
            return;
        }
        if (!"ACTIVE".equals(dataset.get().status())) {
            errors.put("datasetId", "Dataset '" + dataset.get().name() + "' is archived");
            return;
        }
        if (errors.containsKey("split") || count == null || count < 1) {
            return;
        }
        long available = jdbc.sql("SELECT count(*) " + prompts)
                .param("dataset", form.datasetId())
                .param("split", split.name())
                .query(Long.class)
                .single();
        if (available == 0) {
            errors.put(
                    "promptCount",
                    "The " + split + " split of '" + dataset.get().name() + "' has no " + what
                            + " (prompts count once the dataset is split and cleared of PII)");
        } else if (count > available) {
            errors.put(
                    "promptCount",
                    "The " + split + " split of '" + dataset.get().name() + "' has only " + available + " " + what
                            + "; ask for at most " + available);
        }
    }
}
