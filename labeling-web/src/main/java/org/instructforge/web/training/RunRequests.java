package org.instructforge.web.training;

import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.memory.ModelShape;
import org.instructforge.shared.memory.RunMemory;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.shared.run.LabelMinimum;
import org.instructforge.shared.run.RunExecutor;
import org.instructforge.shared.run.RunInputs;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.checkpoint.CheckpointRef;
import org.instructforge.web.checkpoint.CheckpointShape;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app's only writes to the run queue ({@code training_run}): it inserts QUEUED runs, the ones engineers
 * request after checking every input and the ones that fill a label round ({@link #queueRoundRun}), and cancels.
 * Everything after QUEUED belongs to the training service's workers.
 */
@Service
public class RunRequests {

    /** Runs an engineer asks for by hand; CANDIDATES and EVALUATION runs come from publishing and evaluating. */
    static final Set<RunType> REQUESTABLE = EnumSet.of(RunType.SFT, RunType.REWARD, RunType.PPO, RunType.DPO);

    static final int MAX_NAME = 200;
    static final int MAX_REQUEST_KEY = 200;

    /**
     * Becomes a checkpoint name and so, likely, a directory name: no slashes or other surprises. Spaces are fine.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]*");

    /** The run a request made, and whether this call made it or an earlier one with the same key did. */
    record Requested(long runId, boolean created) {}

    private record Checked(
            RunType type,
            String name,
            DataSelection data,
            Long start,
            Long reward,
            String values,
            RunExecutor executor,
            Long memoryEstimate) {}

    private final RunChoices choices;
    private final CheckpointCatalog checkpoints;
    private final TrainingWorkers workers;
    private final AuditTrail audit;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    RunRequests(
            RunChoices choices,
            CheckpointCatalog checkpoints,
            TrainingWorkers workers,
            AuditTrail audit,
            JdbcClient jdbc,
            JsonMapper json) {
        this.choices = choices;
        this.checkpoints = checkpoints;
        this.workers = workers;
        this.audit = audit;
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Queues the run, or answers the run an earlier request with the same key made (a double-clicked submit, a
     * retried API call): the key is kept with the request in the audit log for a day.
     *
     * @param requestKey the form's one-time token or the API's {@code Idempotency-Key}; null: no deduplication
     * @throws InvalidRunRequestException with a message per wrong field
     */
    @Transactional
    Requested request(RunRequest request, String username, String requestKey) {
        String key = requestKey == null || requestKey.isBlank() ? null : requestKey.trim();
        if (key != null) {
            if (key.length() > MAX_REQUEST_KEY) {
                throw new InvalidRunRequestException(
                        Map.of("requestKey", "the request key can be at most " + MAX_REQUEST_KEY + " characters"));
            }
            Optional<Long> earlier = earlierRun(username, key);
            if (earlier.isPresent()) {
                return new Requested(earlier.get(), false);
            }
        }
        Checked run = check(request);
        long id = insert(
                run.type(),
                run.name(),
                run.values(),
                run.data(),
                run.start(),
                run.reward(),
                null,
                run.executor(),
                run.memoryEstimate(),
                username);
        if (run.name() == null) {
            // The id is the shortest name no other run has.
            jdbc.sql("UPDATE training_run SET name = :name WHERE id = :id")
                    .param("name", run.type().name().toLowerCase(Locale.ROOT) + "-" + id)
                    .param("id", id)
                    .update();
        }
        audit.record(
                username,
                "run.requested",
                "training_run",
                id,
                "type",
                run.type(),
                "executor",
                run.executor().column(),
                "requestKey",
                key);
        return new Requested(id, true);
    }

    /**
     * Queues the CANDIDATES or EVALUATION run that samples a label round's outputs, in the caller's transaction
     * (the round's own checks passed there): the worker reads the sampling settings and counts from its
     * hyperparameters and writes the round's tasks.
     *
     * @param policy the checkpoint it samples (an evaluation's candidate)
     * @return the run's id
     */
    @Transactional
    public long queueRoundRun(
            RunType type,
            String name,
            Map<String, Object> hyperparameters,
            DataSelection data,
            long policy,
            long roundId,
            String actor) {
        if (type != RunType.CANDIDATES && type != RunType.EVALUATION) {
            throw new IllegalArgumentException("a round is filled by a CANDIDATES or EVALUATION run, not " + type);
        }
        // Sampling a round's outputs fits one machine: round runs stay local.
        return insert(
                type,
                name,
                json.writeValueAsString(hyperparameters),
                data,
                policy,
                null,
                roundId,
                RunExecutor.LOCAL,
                null, // sampling runs are not estimated: any worker may take them
                actor);
    }

    private long insert(
            RunType type,
            String name,
            String hyperparameters,
            DataSelection data,
            Long start,
            Long reward,
            Long roundId,
            RunExecutor executor,
            Long memoryEstimate,
            String actor) {
        return jdbc.sql("""
                        INSERT INTO training_run (run_type, name, hyperparameters, data_selection,
                            base_checkpoint_id, reward_checkpoint_id, label_round_id, executor, memory_estimate_bytes,
                            requested_by)
                        VALUES (:type, :name, CAST(:values AS jsonb), CAST(:data AS jsonb), :start, :reward, :round,
                            :executor, :memory, (SELECT id FROM app_user WHERE username = :user))
                        RETURNING id""")
                .param("type", type.name())
                .param("executor", executor.column())
                .param("name", name)
                .param("values", hyperparameters)
                .param("data", json.writeValueAsString(data))
                .param("start", start, Types.BIGINT)
                .param("reward", reward, Types.BIGINT)
                .param("round", roundId, Types.BIGINT)
                .param("memory", memoryEstimate, Types.BIGINT)
                .param("user", actor)
                .query(Long.class)
                .single();
    }

    /**
     * Cancels a QUEUED run at once and asks a RUNNING one to stop (its worker sees CANCEL_REQUESTED, stops and
     * marks it CANCELLED). Each change is a conditional UPDATE, so a worker claiming the run at the same moment
     * either gets it first (and the run is asked to stop) or never sees it.
     *
     * @return the state the run is in now
     * @throws RunFinishedException when the run had already finished
     */
    @Transactional
    RunStatus cancel(long runId, String username) {
        // A run can move between our statements (claimed, or queued again after its worker died): try again then.
        for (int attempt = 0; attempt < 5; attempt++) {
            int cancelled = jdbc.sql("""
                            UPDATE training_run SET status = 'CANCELLED', finished_at = now()
                            WHERE id = :id AND status = 'QUEUED'""").param("id", runId).update();
            if (cancelled == 1) {
                // A round this run was to fill gets nothing: it must not wait in GENERATING forever.
                jdbc.sql(
                                "UPDATE label_round SET status = 'FAILED' WHERE training_run_id = :id AND status = 'GENERATING'")
                        .param("id", runId)
                        .update();
                audit.record(username, "run.cancelled", "training_run", runId);
                return RunStatus.CANCELLED;
            }
            int asked = jdbc.sql("""
                            UPDATE training_run SET status = 'CANCEL_REQUESTED'
                            WHERE id = :id AND status = 'RUNNING'""").param("id", runId).update();
            if (asked == 1) {
                audit.record(username, "run.cancel-requested", "training_run", runId);
                return RunStatus.CANCEL_REQUESTED;
            }
            RunStatus now = jdbc.sql("SELECT status FROM training_run WHERE id = :id")
                    .param("id", runId)
                    .query(String.class)
                    .optional()
                    .map(RunStatus::valueOf)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No run " + runId));
            if (now == RunStatus.CANCEL_REQUESTED) {
                return now; // asked already; its worker is stopping it
            }
            if (now.finished()) {
                throw new RunFinishedException(runId, now);
            }
        }
        throw new ResponseStatusException(HttpStatus.CONFLICT, "Run " + runId + " kept changing state; try again.");
    }

    private Optional<Long> earlierRun(String username, String key) {
        // Two requests with one key wait for each other here, so the second sees the first one's run.
        jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:lock, 0))")
                .param("lock", "run.request\n" + username + "\n" + key)
                .query(Integer.class)
                .single();
        return jdbc.sql("""
                        SELECT target_id FROM audit_log
                        WHERE occurred_at > now() - interval '1 day' AND action = 'run.requested'
                          AND actor_username = :user AND details ->> 'requestKey' = :key
                        ORDER BY occurred_at DESC LIMIT 1""")
                .param("user", username)
                .param("key", key)
                .query(Long.class)
                .optional();
    }

    /** Every check, collecting one message per field rather than stopping at the first. */
    private Checked check(RunRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        RunType type = type(request.type(), errors);
        String name = name(request.name(), errors);
        RunExecutor executor = RunExecutor.parse(request.executor()).orElse(null);
        if (executor == null) {
            errors.put("executor", "'" + request.executor().strip() + "' is not an executor: choose local or ray");
        }

        List<Long> datasetIds = new ArrayList<>(new LinkedHashSet<>(request.datasetIds()));
        datasetIds.removeIf(java.util.Objects::isNull);
        checkDatasets(datasetIds, errors);
        List<Long> roundIds = new ArrayList<>(new LinkedHashSet<>(request.roundIds()));
        roundIds.removeIf(java.util.Objects::isNull);
        if (type != null) {
            checkRounds(type, roundIds, datasetIds, errors);
            CheckpointKind start = readyKind(request.startCheckpointId(), "startCheckpointId", errors);
            if (!errors.containsKey("startCheckpointId")) {
                RunInputs.checkStart(type, start).ifPresent(error -> errors.put("startCheckpointId", error));
            }
            if (!errors.containsKey("startCheckpointId")) {
                checkArchitecture(request.startCheckpointId(), errors);
            }
            CheckpointKind reward = readyKind(request.rewardCheckpointId(), "rewardCheckpointId", errors);
            if (!errors.containsKey("rewardCheckpointId")) {
                RunInputs.checkReward(type, reward).ifPresent(error -> errors.put("rewardCheckpointId", error));
            }
        }
        Hyperparameters.Validation values = null;
        if (type != null) {
            values = Hyperparameters.validate(type, request.hyperparameters());
            values.errors().forEach((parameter, error) -> errors.put("hyperparameters." + parameter, error));
        }
        boolean ai = type != null && type.readsRankings() && request.includeAiFeedback();
        DataSelection data = new DataSelection(datasetIds, roundIds, ai);
        // Only worth asking once the data itself is valid: the question is whether it holds anything to learn from.
        if (type != null && !errors.containsKey("datasetIds") && !errors.containsKey("roundIds")) {
            checkData(type, data, errors);
        }
        Long memoryEstimate = null;
        if (type != null
                && values.ok()
                && !errors.containsKey("startCheckpointId")
                && !errors.containsKey("rewardCheckpointId")) {
            Optional<RunMemory> memory =
                    estimate(type, values.values(), request.startCheckpointId(), request.rewardCheckpointId(), data);
            if (memory.isPresent()) {
                memoryEstimate = memory.get().totalBytes();
                // A Ray run trains on the cluster: only a local run must fit a worker's device.
                if (executor == RunExecutor.LOCAL) {
                    tooLarge(memory.get()).ifPresent(problem -> errors.put("memory", problem));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunRequestException(errors);
        }
        return new Checked(
                type,
                name,
                data,
                request.startCheckpointId(),
                request.rewardCheckpointId(),
                json.writeValueAsString(values.values()),
                executor,
                memoryEstimate);
    }

    /**
     * What a run with the form's settings would need, when its type, start (and PPO's reward model) and settings are
     * valid and the checkpoints' shapes are known; the form shows it before the run is queued.
     */
    Optional<RunMemory> estimate(RunRequest request) {
        RunType type = type(request.type(), new LinkedHashMap<>());
        if (type == null || request.startCheckpointId() == null) {
            return Optional.empty();
        }
        Hyperparameters.Validation values = Hyperparameters.validate(type, request.hyperparameters());
        List<Long> datasets = request.datasetIds().stream()
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
        List<Long> rounds = request.roundIds().stream()
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
        DataSelection data = new DataSelection(datasets, rounds, type.readsRankings() && request.includeAiFeedback());
        return values.ok()
                ? estimate(type, values.values(), request.startCheckpointId(), request.rewardCheckpointId(), data)
                : Optional.empty();
    }

    /** The largest device a worker has registered: what a local run must fit. */
    Optional<TrainingWorkers.Device> largestWorker() {
        return workers.largest();
    }

    private Optional<RunMemory> estimate(
            RunType type, Map<String, Object> values, Long start, Long reward, DataSelection data) {
        if (!type.trains() || type == RunType.PRETRAIN) {
            return Optional.empty();
        }
        Map<Long, CheckpointShape> shapes =
                checkpoints.shapes(reward == null ? List.of(start) : List.of(start, reward));
        ModelShape startShape = shapes.containsKey(start) ? shapes.get(start).shape() : null;
        ModelShape rewardShape = reward != null && shapes.containsKey(reward)
                ? shapes.get(reward).shape()
                : null;
        if (startShape == null || (type == RunType.PPO && rewardShape == null)) {
            return Optional.empty(); // shape unknown: no estimate, and no refusal on a guess
        }
        // Reward-model and DPO steps take every output of each ranking: K of the chosen data, at most nine.
        int outputsPerRanking = type.readsRankings() && !data.datasetIds().isEmpty()
                ? choices.mostOutputsPerRanking(data).orElse(RankedCandidates.MAX_CANDIDATES)
                : RankedCandidates.MAX_CANDIDATES;
        return Optional.of(RunMemory.estimate(type, values, startShape, rewardShape, outputsPerRanking));
    }

    /** Why a local run of this size cannot run: it exceeds the largest device a worker has registered. */
    Optional<String> tooLarge(RunMemory memory) {
        return workers.largest()
                .filter(device -> memory.totalBytes() > device.memoryBytes())
                .map(device -> "this run " + memory.describe() + ", " + memory.totalBytes() + " bytes in all; the "
                        + "largest worker device, " + device.describe() + ", holds " + device.memoryBytes()
                        + " bytes: lower the batch size or the token limits, start from a smaller checkpoint, or run"
                        + " it on Ray");
    }

    /** A start of an architecture this product cannot run (registered by hand, say) is refused by name. */
    private void checkArchitecture(Long start, Map<String, String> errors) {
        CheckpointShape shape = checkpoints.shapes(List.of(start)).get(start);
        if (shape != null && !shape.supported()) {
            errors.put(
                    "startCheckpointId",
                    "its architecture '" + shape.architecture() + "' is not one this product runs ("
                            + String.join(", ", ModelShape.SUPPORTED_ARCHITECTURES) + ")");
        }
    }

    private static RunType type(String text, Map<String, String> errors) {
        String choose = "choose SFT, REWARD, PPO or DPO";
        if (text == null || text.isBlank()) {
            errors.put("type", choose);
            return null;
        }
        try {
            RunType type = RunType.valueOf(text.trim().toUpperCase(Locale.ROOT));
            if (REQUESTABLE.contains(type)) {
                return type;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.put("type", "'" + text.trim() + "' is not a run type to request: " + choose);
        return null;
    }

    private String name(String text, Map<String, String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String name = text.strip();
        if (name.length() > MAX_NAME) {
            errors.put("name", "the name can be at most " + MAX_NAME + " characters");
        } else if (!NAME.matcher(name).matches()) {
            errors.put("name", "use letters, digits, spaces, '.', '_' and '-' only, starting with a letter or digit");
        } else if (checkpoints.nameTaken(name)
                || jdbc.sql("SELECT EXISTS (SELECT 1 FROM training_run WHERE name = :name)")
                        .param("name", name)
                        .query(Boolean.class)
                        .single()) {
            errors.put("name", "a run or checkpoint named '" + name + "' exists already: its output would clash");
        }
        return name;
    }

    private void checkDatasets(List<Long> ids, Map<String, String> errors) {
        if (ids.isEmpty()) {
            errors.put("datasetIds", "choose at least one dataset");
            return;
        }
        Map<Long, RunChoices.DatasetChoice> found = choices.datasets(ids);
        List<String> problems = new ArrayList<>();
        for (long id : ids) {
            RunChoices.DatasetChoice dataset = found.get(id);
            if (dataset == null) {
                problems.add("dataset " + id + " does not exist");
            } else if (!dataset.active()) {
                problems.add("dataset '" + dataset.name() + "' is archived");
            }
        }
        if (!problems.isEmpty()) {
            errors.put("datasetIds", String.join("; ", problems));
        }
    }

    private void checkRounds(RunType type, List<Long> ids, List<Long> datasetIds, Map<String, String> errors) {
        if (ids.isEmpty()) {
            return;
        }
        if (!type.readsRankings()) {
            errors.put(
                    "roundIds",
                    "only reward-model and DPO runs read label rounds (their rankings); "
                            + "SFT reads the datasets' demonstrations and PPO samples their prompts");
            return;
        }
        Map<Long, RunChoices.RoundChoice> found = choices.rounds(ids);
        List<String> problems = new ArrayList<>();
        for (long id : ids) {
            RunChoices.RoundChoice round = found.get(id);
            if (round == null) {
                problems.add("round " + id + " does not exist");
            } else if (!"RANKING".equals(round.kind())) {
                problems.add("round '" + round.name() + "' is a " + round.kind() + " round, not a ranking round");
            } else if (!datasetIds.contains(round.datasetId())) {
                problems.add("round '" + round.name() + "' belongs to a dataset that is not chosen");
            }
        }
        if (!problems.isEmpty()) {
            errors.put("roundIds", String.join("; ", problems));
        }
    }

    /** The kind of a READY checkpoint, or null: none chosen, or missing or unfinished (then an error of its own). */
    private CheckpointKind readyKind(Long id, String field, Map<String, String> errors) {
        if (id == null) {
            return null;
        }
        Optional<CheckpointRef> found = checkpoints.ref(id);
        if (found.isEmpty()) {
            errors.put(field, "checkpoint " + id + " does not exist");
        } else if (!found.get().listed()) {
            errors.put(field, "checkpoint '" + found.get().name() + "' is not ready");
        } else {
            return found.get().kind();
        }
        return null;
    }

    /** "no rankings", or "only 1 rankings (1 of TRAIN prompts, 0 of VALID ones)" — what there is, and where. */
    private static String shortfall(RunChoices.LabelCounts found, String labels) {
        long total = found.train() + found.validation();
        return total == 0
                ? "no " + labels + " of usable TRAIN or VALID prompts"
                : "only " + total + " " + labels + " (" + found.train() + " of TRAIN prompts, " + found.validation()
                        + " of VALID ones)";
    }

    /**
     * Refuses a run whose data the worker could not train on: below {@link LabelMinimum} for SFT, reward models and
     * DPO, no usable TRAIN prompt for PPO.
     */
    private void checkData(RunType type, DataSelection data, Map<String, String> errors) {
        switch (type) {
            case SFT -> {
                RunChoices.LabelCounts found = choices.demonstrations(data);
                if (!found.enough()) {
                    errors.put(
                            "datasetIds",
                            "the chosen datasets have " + shortfall(found, "submitted demonstrations")
                                    + ": an SFT run needs at least " + LabelMinimum.EXAMPLES
                                    + ", one of them on a TRAIN prompt (the other is held out to validate on)");
                }
            }
            case REWARD, DPO -> {
                RunChoices.LabelCounts found = choices.rankings(data);
                if (!found.enough()) {
                    errors.put(
                            "datasetIds",
                            "the chosen datasets" + (data.roundIds().isEmpty() ? "" : " and rounds") + " have "
                                    + shortfall(found, "rankings")
                                    + (data.includeAiFeedback() ? "" : " by human labelers")
                                    + (type == RunType.DPO ? ": a DPO run" : ": a reward-model run")
                                    + " needs at least " + LabelMinimum.EXAMPLES
                                    + ", one of them of a TRAIN prompt (the other is held out to validate on)");
                }
            }
            case PPO -> {
                if (!choices.hasTrainPrompts(data)) {
                    errors.put(
                            "datasetIds",
                            "the chosen datasets have no active TRAIN prompts cleared of PII: a PPO run needs prompts to sample");
                }
            }
            default -> throw new IllegalStateException("not requestable: " + type);
        }
    }
}
