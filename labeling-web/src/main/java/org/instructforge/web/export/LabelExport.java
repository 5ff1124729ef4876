package org.instructforge.web.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.instructforge.shared.Split;
import org.instructforge.shared.ranking.ComparisonPairs;
import org.instructforge.shared.ranking.PreferencePair;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.dataset.Conversation;
import org.instructforge.web.ranking.MetadataFlag;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labels in the formats training tools read, streamed from database cursors: SFT
 * {@code {"prompt", "completion"}}, preference pairs {@code {"prompt", "chosen", "rejected"}} (all C(K,2)
 * pairs of each ranking, ties dropped), and every raw ranking with its labeler (pseudonymised on request). SFT and
 * preference lines come from labels that may be trained on ({@code demonstration_trainable}, {@code
 * ranking_trainable}, V039: the schema's one rule, which the training service asks too); the raw rankings leave out
 * only rejected ones ({@code ranking_rejected}). Only prompts whose PII review is done are exported. Every
 * line carries {@code "feedback_source": "HUMAN"|"AI"}: rankings the AI labeler wrote (RLAIF) stay marked as AI
 * feedback, and a selection may keep only one kind.
 */
@Service
public class LabelExport {

    private static final int FETCH = 1000;

    /** Whose labels: people's, the AI labeler's (RLAIF), or both; every line says which it is. */
    public enum Feedback {
        HUMAN,
        AI,
        ALL;

        /** {@code human}, {@code ai} or {@code all} (any case); blank means all. */
        public static Feedback parse(String value) {
            if (value == null || value.isBlank()) {
                return ALL;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("feedback is human, ai or all, not " + value);
            }
        }
    }

    /** Which labels: one dataset or all, one split or all, human or AI feedback or both. */
    public record Selection(Long datasetId, Split split, Feedback feedback) {

        public Selection(Long datasetId, Split split) {
            this(datasetId, split, Feedback.ALL);
        }
    }

    /**
     * The selection's filter; {@code source} is the SQL for the label's feedback_source. Labels leave only with a
     * usable prompt (V027), the same prompts the training service trains on.
     */
    private static String filter(String source) {
        return " " + """
                prompt_usable(p)
                  AND (CAST(? AS BIGINT) IS NULL OR p.dataset_id = ?)
                  AND (CAST(? AS TEXT) IS NULL OR p.split = ?)
                  AND (CAST(? AS TEXT) IS NULL OR %s = ?)""".formatted(source);
    }

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Pseudonyms pseudonyms;
    private final CheckpointCatalog checkpoints;

    LabelExport(JdbcTemplate jdbc, JsonMapper json, Pseudonyms pseudonyms, CheckpointCatalog checkpoints) {
        this.jdbc = jdbc;
        this.json = json;
        this.pseudonyms = pseudonyms;
        this.checkpoints = checkpoints;
    }

    @Transactional(readOnly = true)
    public long sft(Selection selection, OutputStream out) {
        return sft(selection, Format.STANDARD, out);
    }

    @Transactional(readOnly = true)
    public long sft(Selection selection, Format format, OutputStream out) {
        return stream(
                out,
                """
                        SELECT p.id, p.text, demonstration_training_text(x), p.split, p.messages::text FROM demonstration x
                        JOIN prompt p ON p.id = x.prompt_id JOIN app_user u ON u.id = x.labeler_id
                        WHERE demonstration_trainable(x, u) AND """
                        // People write every demonstration.
                        + filter("'HUMAN'")
                        + " ORDER BY x.id",
                selection,
                (rs, lines) -> lines.write(line(
                        "prompt",
                        prompt(format, rs.getString(2), rs.getString(5)),
                        "completion",
                        completion(format, rs.getString(3)),
                        "prompt_id",
                        rs.getLong(1),
                        "split",
                        lower(rs.getString(4)),
                        "feedback_source",
                        "HUMAN")));
    }

    /**
     * TRL's two dataset layouts: standard (text prompt and completions) or conversational (lists of {@code {"role",
     * "content"}} turns; a chat-imported prompt keeps its turns, a plain prompt is one user turn, each completion one
     * assistant turn). A file holds one layout, since TRL takes a dataset as one or the other.
     */
    public enum Format {
        STANDARD,
        CONVERSATIONAL;

        /** {@code standard} or {@code conversational} (any case); blank means standard. */
        public static Format parse(String value) {
            if (value == null || value.isBlank()) {
                return STANDARD;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("format is standard or conversational, not " + value);
            }
        }
    }

    /** The prompt in the chosen layout: its (scrubbed) text, or its turns rebuilt from that text. */
    private Object prompt(Format format, String text, String messages) {
        return format == Format.STANDARD ? text : Conversation.messages(text, messages, json);
    }

    private static Object completion(Format format, String text) {
        return format == Format.STANDARD ? text : Conversation.assistant(text);
    }

    @Transactional(readOnly = true)
    public long preferences(Selection selection, OutputStream out) {
        return preferences(selection, Format.STANDARD, out);
    }

    @Transactional(readOnly = true)
    public long preferences(Selection selection, Format format, OutputStream out) {
        RankingAccumulator rankings = new RankingAccumulator(checkpoints.names());
        return stream(
                out,
                RANKING_ROWS + " AND ranking_trainable(r, u) ORDER BY r.id, c.position",
                selection,
                (rs, lines) -> rankings.add(rs, ranking -> {
                    Map<Long, String> texts = new LinkedHashMap<>();
                    Map<Long, Integer> ranks = new LinkedHashMap<>();
                    ranking.candidates.forEach(c -> {
                        texts.put(c.id, c.text);
                        ranks.put(c.id, c.rank);
                    });
                    for (PreferencePair pair : ComparisonPairs.of(RankedCandidates.of(ranks))) {
                        lines.write(line(
                                "prompt",
                                prompt(format, ranking.prompt, ranking.messages),
                                "chosen",
                                completion(format, texts.get(pair.chosen())),
                                "rejected",
                                completion(format, texts.get(pair.rejected())),
                                "task_id",
                                ranking.taskId,
                                "ranking_id",
                                ranking.id,
                                "feedback_source",
                                ranking.feedback));
                    }
                }),
                rankings::flush);
    }

    @Transactional
    public long rankings(Selection selection, boolean pseudonymise, OutputStream out) {
        LongFunction<String> labeler = pseudonymise ? pseudonyms.forExport() : Long::toString;
        RankingAccumulator rankings = new RankingAccumulator(checkpoints.names());
        return stream(
                out,
                RANKING_ROWS + " ORDER BY r.id, c.position",
                selection,
                (rs, lines) -> rankings.add(
                        rs,
                        ranking -> lines.write(line(
                                "ranking_id",
                                ranking.id,
                                "task_id",
                                ranking.taskId,
                                "prompt",
                                ranking.prompt,
                                "labeler",
                                labeler.apply(ranking.labelerId),
                                "labels_excluded",
                                ranking.excluded,
                                "feedback_source",
                                ranking.feedback,
                                "not_rankable",
                                ranking.notRankable,
                                "not_rankable_reason",
                                ranking.reason,
                                "duration_ms",
                                ranking.durationMs,
                                "candidates",
                                ranking.candidates.stream()
                                        .map(c -> line(
                                                "id", c.id, "text", c.text, "model", c.model, "rank", c.rank, "likert",
                                                c.likert, "flags", c.flags))
                                        .toList()))),
                rankings::flush);
    }

    private static final List<MetadataFlag> FLAGS = List.of(MetadataFlag.values());

    /**
     * One row per output of a ranking. The model is the registered checkpoint's name for outputs a policy wrote (the
     * training service sets {@code model_checkpoint_id}, not {@code model_label}; the name comes from the
     * {@link CheckpointCatalog}) and the uploaded label otherwise;
     * the flags are read from one boolean column each, after the fixed columns.
     */
    private static final String RANKING_ROWS =
            """
            SELECT r.id, r.task_id, p.text, r.labeler_id, u.labels_excluded, r.feedback_source, r.not_rankable,
                   r.not_rankable_reason, r.duration_ms, c.id, c.text, c.model_label, e.rank,
                   e.likert, p.messages::text, c.model_checkpoint_id""" + FLAGS.stream().map(f -> ", e." + f.column()).collect(Collectors.joining()) + "\n" + """
            FROM ranking r JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
            JOIN app_user u ON u.id = r.labeler_id
            JOIN ranking_entry e ON e.ranking_id = r.id JOIN ranking_candidate c ON c.id = e.candidate_id
            WHERE NOT ranking_rejected(r) AND """
                    + filter("r.feedback_source");

    /** Where the flag columns start in {@link #RANKING_ROWS}. */
    private static final int FIRST_FLAG_COLUMN = 17;

    /** Collects the rows of one ranking (one per candidate) and hands the whole ranking on. */
    private static final class RankingAccumulator {
        private final Map<Long, String> checkpointNames;
        private RankingRows current;
        private java.util.function.Consumer<RankingRows> sink;

        RankingAccumulator(Map<Long, String> checkpointNames) {
            this.checkpointNames = checkpointNames;
        }

        void add(ResultSet rs, java.util.function.Consumer<RankingRows> emit) throws SQLException {
            sink = emit;
            long id = rs.getLong(1);
            if (current != null && current.id != id) {
                emit.accept(current);
                current = null;
            }
            if (current == null) {
                current = new RankingRows(
                        id,
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getBoolean(7),
                        rs.getString(8),
                        (Long) rs.getObject(9),
                        rs.getString(15));
            }
            List<String> flags = new ArrayList<>();
            for (int i = 0; i < FLAGS.size(); i++) {
                if (rs.getBoolean(FIRST_FLAG_COLUMN + i)) {
                    flags.add(FLAGS.get(i).name());
                }
            }
            Long checkpoint = rs.getObject(16, Long.class);
            String label = rs.getString(12);
            current.candidates.add(new CandidateRow(
                    rs.getLong(10),
                    rs.getString(11),
                    checkpoint == null ? label : checkpointNames.getOrDefault(checkpoint, label),
                    (Integer) rs.getObject(13, Integer.class),
                    (Integer) rs.getObject(14, Integer.class),
                    flags));
        }

        void flush() {
            if (current != null) {
                sink.accept(current);
                current = null;
            }
        }
    }

    private record CandidateRow(long id, String text, String model, Integer rank, Integer likert, List<String> flags) {}

    private static final class RankingRows {
        final long id;
        final long taskId;
        final String prompt;
        final long labelerId;
        final boolean excluded;
        final String feedback;
        final boolean notRankable;
        final String reason;
        final Long durationMs;
        /** The imported chat messages (roles only are used; see {@link Conversation}); null for a plain prompt. */
        final String messages;

        final List<CandidateRow> candidates = new ArrayList<>();

        RankingRows(
                long id,
                long taskId,
                String prompt,
                long labelerId,
                boolean excluded,
                String feedback,
                boolean notRankable,
                String reason,
                Long durationMs,
                String messages) {
            this.id = id;
            this.taskId = taskId;
            this.prompt = prompt;
            this.labelerId = labelerId;
            this.excluded = excluded;
            this.feedback = feedback;
            this.notRankable = notRankable;
            this.reason = reason;
            this.durationMs = durationMs;
            this.messages = messages;
        }
    }

    @FunctionalInterface
    private interface RowWriter {
        void write(ResultSet rs, Lines lines) throws SQLException;
    }

    /** The output, one JSON object a line. */
    private final class Lines {
        private final BufferedWriter writer;
        long count;

        Lines(OutputStream out) {
            writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        }

        void write(Map<String, Object> line) {
            try {
                writer.write(json.writeValueAsString(line));
                writer.write('\n');
                count++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private long stream(OutputStream out, String sql, Selection selection, RowWriter rows) {
        return stream(out, sql, selection, rows, () -> {});
    }

    private long stream(OutputStream out, String sql, Selection selection, RowWriter rows, Runnable atEnd) {
        Lines lines = new Lines(out);
        jdbc.query(
                connection -> {
                    var statement = connection.prepareStatement(sql);
                    statement.setFetchSize(FETCH);
                    String split =
                            selection.split() == null ? null : selection.split().name();
                    statement.setObject(1, selection.datasetId());
                    statement.setObject(2, selection.datasetId());
                    statement.setString(3, split);
                    statement.setString(4, split);
                    String feedback = selection.feedback() == Feedback.ALL
                            ? null
                            : selection.feedback().name();
                    statement.setString(5, feedback);
                    statement.setString(6, feedback);
                    return statement;
                },
                (ResultSet rs) -> rows.write(rs, lines));
        atEnd.run();
        try {
            lines.writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines.count;
    }

    private static Map<String, Object> line(Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            line.put((String) keyValues[i], keyValues[i + 1]);
        }
        return line;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
