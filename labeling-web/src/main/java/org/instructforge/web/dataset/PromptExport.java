package org.instructforge.web.dataset;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.instructforge.shared.Split;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a dataset's prompts with their splits as JSONL, streamed from a database cursor. A prompt whose
 * PII review is not finished (unscanned or pending) is never exported: it is counted as withheld.
 */
@Service
public class PromptExport {

    private static final int FETCH = 1000;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    PromptExport(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param split only this split, or all when null
     * @param activeOnly only usable prompts (V027: not duplicates, over the cap or retired); either way only prompts
     *     whose PII review is done
     * @return how many lines were written
     */
    @Transactional(readOnly = true)
    public long write(long datasetId, Split split, boolean activeOnly, OutputStream out) {
        var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        long[] lines = {0};
        jdbc.query(
                connection -> {
                    var statement = connection.prepareStatement("""
                            SELECT id, text, messages::text, source_user_id, source_kind, category, split, status,
                                   metadata::text
                            FROM prompt p
                            WHERE dataset_id = ? AND prompt_pii_cleared(p)
                              AND (?::text IS NULL OR split = ?::text)
                              AND (NOT ? OR prompt_usable(p))
                            ORDER BY id""");
                    statement.setFetchSize(FETCH);
                    statement.setLong(1, datasetId);
                    String splitName = split == null ? null : split.name();
                    statement.setString(2, splitName);
                    statement.setString(3, splitName);
                    statement.setBoolean(4, activeOnly);
                    return statement;
                },
                (java.sql.ResultSet rs) -> {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("id", rs.getLong(1));
                    line.put("prompt", rs.getString(2));
                    String messages = rs.getString(3);
                    if (messages != null) {
                        // Rebuilt from the scrubbed text: the imported messages column is the unscrubbed original.
                        line.put("messages", Conversation.messages(rs.getString(2), messages, json));
                    }
                    line.put("user_id", rs.getString(4));
                    line.put("source", rs.getString(5).toLowerCase(java.util.Locale.ROOT));
                    line.put("category", rs.getString(6).toLowerCase(java.util.Locale.ROOT));
                    line.put(
                            "split",
                            rs.getString(7) == null ? null : rs.getString(7).toLowerCase(java.util.Locale.ROOT));
                    line.put("status", rs.getString(8).toLowerCase(java.util.Locale.ROOT));
                    line.put("metadata", json.readTree(rs.getString(9)));
                    try {
                        writer.write(json.writeValueAsString(line));
                        writer.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    lines[0]++;
                });
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines[0];
    }

    /** Prompts held back from exports until their PII review is done. */
    @Transactional(readOnly = true)
    public long withheld(long datasetId) {
        Long count = jdbc.queryForObject(
                "SELECT count(*) FROM prompt p WHERE dataset_id = ? AND NOT prompt_pii_cleared(p)",
                Long.class,
                datasetId);
        return count == null ? 0 : count;
    }
}
