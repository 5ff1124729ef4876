package org.instructforge.web.ranking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.instructforge.shared.PromptStatus;
import org.instructforge.shared.Split;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.dataset.importing.LineReader;
import org.instructforge.web.system.StorableText;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports candidate outputs to rank, until the training service writes them itself: JSONL lines
 * {@code {"prompt_id", "outputs": [{"text", "model"}, ...], "gold": [best-first output indexes]}} with
 * K = 4..9 outputs. All-or-nothing: a file with a bad line creates no task, and every bad line is reported. A prompt
 * gets outputs only while it is usable (active, PII-cleared) and not in the TEST split, and at most once per file.
 */
@Service
public class CandidateImport {

    private static final int MAX_LINE_BYTES = 4 << 20;
    private static final int MAX_OUTPUT_CHARS = 20_000;
    private static final int MAX_ERRORS = 1000;

    /** The outcome: tasks created, or the bad lines that stopped the import. */
    // Serializable: the upload page hands it to the next page as a flash attribute, kept in the session (in
    // PostgreSQL, Spring Session JDBC).
    public record Report(int tasksCreated, List<Map<String, Object>> errors) implements java.io.Serializable {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final AuditTrail audit;

    CandidateImport(JdbcClient jdbc, JsonMapper json, AuditTrail audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
    }

    @Transactional
    public Report importFile(long datasetId, InputStream in, String actor) {
        List<Map<String, Object>> errors = new ArrayList<>();
        Map<Long, Long> promptLines = new HashMap<>(); // prompt id -> the line that gave it outputs
        int created = 0;
        try (LineReader lines = new LineReader(in, MAX_LINE_BYTES)) {
            for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
                try {
                    if (line.problem() != null) {
                        throw new IllegalArgumentException(line.problem());
                    }
                    if (line.text().isBlank()) {
                        throw new IllegalArgumentException("empty line");
                    }
                    createTask(datasetId, json.readTree(line.text()), line.number(), promptLines);
                    created++;
                } catch (IllegalArgumentException | JacksonException e) {
                    if (errors.size() < MAX_ERRORS) {
                        errors.add(Map.of("line", line.number(), "reason", reason(e)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!errors.isEmpty()) {
            TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
            return new Report(0, errors);
        }
        audit.record(actor, "candidates.imported", "prompt_dataset", datasetId, "tasks", created);
        return new Report(created, errors);
    }

    /**
     * Whether outputs may be ranked for this prompt: it is in the dataset, usable (active and PII-cleared: V027, so
     * labelers never see a prompt still waiting for review), and not held out for evaluation; else why not.
     */
    private void requireRankable(long datasetId, long promptId) {
        record State(boolean usable, String status, String piiStatus, String split) {}
        State state = jdbc.sql("""
                        SELECT prompt_usable(p), p.status, p.pii_status, p.split FROM prompt p
                        WHERE p.id = :p AND p.dataset_id = :d""")
                .param("p", promptId)
                .param("d", datasetId)
                .query((rs, n) -> new State(rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .optional()
                .orElseThrow(() -> new IllegalArgumentException("prompt " + promptId + " is not in this dataset"));
        if (!state.usable()) {
            // prompt_usable decides; the reason names the state that makes it fail.
            throw new IllegalArgumentException("prompt " + promptId
                    + (PromptStatus.ACTIVE.name().equals(state.status())
                            ? " is not cleared of PII yet ("
                                    + state.piiStatus().toLowerCase(Locale.ROOT).replace('_', ' ')
                                    + "): finish its review first"
                            : " is " + state.status().toLowerCase(Locale.ROOT).replace('_', ' ') + ", not active"));
        }
        if (Split.TEST.name().equals(state.split())) {
            throw new IllegalArgumentException(
                    "prompt " + promptId + " is in the TEST split, which is reserved for evaluation");
        }
    }

    private void createTask(long datasetId, JsonNode line, long lineNumber, Map<Long, Long> promptLines) {
        if (!line.isObject()) {
            throw new IllegalArgumentException("a line must be a JSON object");
        }
        JsonNode promptId = line.path("prompt_id");
        if (!promptId.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-numeric \"prompt_id\"");
        }
        requireRankable(datasetId, promptId.asLong());
        Long earlier = promptLines.putIfAbsent(promptId.asLong(), lineNumber);
        if (earlier != null) {
            throw new IllegalArgumentException(
                    "prompt " + promptId.asLong() + " is already on line " + earlier + ": one line per prompt");
        }
        JsonNode outputs = line.path("outputs");
        if (!outputs.isArray()
                || outputs.size() < RankedCandidates.MIN_CANDIDATES
                || outputs.size() > RankedCandidates.MAX_CANDIDATES) {
            throw new IllegalArgumentException("\"outputs\" must be a list of " + RankedCandidates.MIN_CANDIDATES
                    + " to " + RankedCandidates.MAX_CANDIDATES + " outputs");
        }
        List<String> texts = new ArrayList<>();
        List<String> models = new ArrayList<>();
        for (JsonNode output : outputs) {
            String text = output.path("text").isString() ? output.path("text").asString() : null;
            if (text == null || text.isBlank() || text.length() > MAX_OUTPUT_CHARS) {
                throw new IllegalArgumentException(
                        "every output needs a \"text\" of 1 to " + MAX_OUTPUT_CHARS + " characters");
            }
            StorableText.require("outputs[" + texts.size() + "].text", text);
            texts.add(text);
            String model =
                    output.path("model").isString() ? output.path("model").asString() : null;
            StorableText.require("outputs[" + models.size() + "].model", model);
            models.add(model == null ? null : model.length() > 200 ? model.substring(0, 200) : model);
        }
        List<Integer> gold = goldOrder(line.path("gold"), texts.size());
        long taskId = jdbc.sql("INSERT INTO ranking_task (prompt_id, priority) VALUES (:p, :priority) RETURNING id")
                .param("p", promptId.asLong())
                .param("priority", line.path("priority").asInt(0))
                .query(Long.class)
                .single();
        jdbc.sql("""
                        UPDATE ranking_task t SET labels_wanted = labels_wanted(t.id, d.labels_per_item, d.overlap_share)
                        FROM prompt_dataset d WHERE t.id = :t AND d.id = :d""").param("t", taskId).param("d", datasetId).update();
        List<Long> candidateIds = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            candidateIds.add(jdbc.sql("""
                            INSERT INTO ranking_candidate (task_id, position, text, model_label)
                            VALUES (:t, :pos, :text, :model) RETURNING id""")
                    .param("t", taskId)
                    .param("pos", i)
                    .param("text", texts.get(i))
                    .param("model", models.get(i))
                    .query(Long.class)
                    .single());
        }
        if (gold != null) {
            jdbc.sql("UPDATE ranking_task SET is_gold = TRUE, gold_order = CAST(:order AS jsonb) WHERE id = :t")
                    .param(
                            "order",
                            gold.stream().map(candidateIds::get).toList().toString())
                    .param("t", taskId)
                    .update();
        }
    }

    /** Gold items carry their known best-to-worst order, as output indexes. */
    private static List<Integer> goldOrder(JsonNode gold, int k) {
        if (gold.isMissingNode() || gold.isNull()) {
            return null;
        }
        List<Integer> order = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (JsonNode index : gold) {
            if (!index.canConvertToInt() || index.asInt() < 0 || index.asInt() >= k || !seen.add(index.asInt())) {
                throw new IllegalArgumentException("\"gold\" must list each output index 0.." + (k - 1) + " once");
            }
            order.add(index.asInt());
        }
        if (order.size() != k) {
            throw new IllegalArgumentException("\"gold\" must list each output index 0.." + (k - 1) + " once");
        }
        return order;
    }

    private static String reason(Exception e) {
        return e instanceof JacksonException ? "not valid JSON" : e.getMessage();
    }
}
