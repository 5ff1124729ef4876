package org.instructforge.web.dataset.importing;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code prompt_import} rows. Progress is written in transactions of its own, so the progress bar
 * moves while the import's own transaction (all-or-nothing) is still open.
 */
@Component
class ImportLog {

    private static final String COLUMNS = """
            id, dataset_id, file_name, format, skip_bad_lines, status, total_bytes, bytes_read, lines_read,
            prompts_added, prompts_already_present, bad_lines, pii_flagged, errors::text, error_message,
            started_at, finished_at""";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ImportLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    long open(
            long datasetId, String fileName, ImportFormat format, boolean skipBadLines, Long totalBytes, String actor) {
        return jdbc.sql("""
                        INSERT INTO prompt_import (dataset_id, file_name, format, skip_bad_lines, total_bytes,
                                                   requested_by)
                        VALUES (:d, :f, :fmt, :skip, :total, (SELECT id FROM app_user WHERE username = :actor))
                        RETURNING id""")
                .param("d", datasetId)
                .param("f", fileName)
                .param("fmt", format.name())
                .param("skip", skipBadLines)
                .param("total", totalBytes)
                .param("actor", actor)
                .query(Long.class)
                .single();
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void progress(long importId, ImportCounts counts) {
        jdbc.sql("""
                        UPDATE prompt_import SET bytes_read = :bytes, lines_read = :lines, prompts_added = :added,
                               prompts_already_present = :present, bad_lines = :bad, pii_flagged = :pii,
                               updated_at = now()
                        WHERE id = :id""")
                .param("bytes", counts.bytesRead)
                .param("lines", counts.linesRead)
                .param("added", counts.added)
                .param("present", counts.alreadyPresent)
                .param("bad", counts.badLines)
                .param("pii", counts.piiFlagged)
                .param("id", importId)
                .update();
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void finish(long importId, String status, ImportCounts counts, String errorMessage) {
        progress(importId, counts);
        jdbc.sql("""
                        UPDATE prompt_import SET status = :status, errors = CAST(:errors AS jsonb),
                               error_message = :message, finished_at = now(), updated_at = now()
                        WHERE id = :id""")
                .param("status", status)
                .param("errors", json.writeValueAsString(counts.errors))
                .param("message", errorMessage)
                .param("id", importId)
                .update();
    }

    /** Imports that stopped updating while RUNNING were cut off by a restart: say so, never leave them running. */
    @Transactional
    int failInterrupted() {
        return jdbc.sql("""
                        UPDATE prompt_import SET status = 'FAILED', finished_at = now(),
                               error_message = 'Interrupted (the server stopped). Nothing from this file was kept: import it again.'
                        WHERE status = 'RUNNING' AND updated_at < now() - interval '2 minutes'""").update();
    }

    private List<ImportStatus.LineError> lineErrors(String errorsJson) {
        return List.of(json.readValue(errorsJson, ImportStatus.LineError[].class));
    }

    @Transactional(readOnly = true)
    Optional<ImportStatus> find(long importId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM prompt_import WHERE id = :id")
                .param("id", importId)
                .query(this::status)
                .optional();
    }

    @Transactional(readOnly = true)
    List<ImportStatus> recent(long datasetId, int count) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM prompt_import WHERE dataset_id = :d ORDER BY id DESC LIMIT :n")
                .param("d", datasetId)
                .param("n", count)
                .query(this::status)
                .list();
    }

    private ImportStatus status(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        long total = rs.getLong(7);
        Long totalBytes = rs.wasNull() ? null : total;
        var finished = rs.getTimestamp(17);
        return new ImportStatus(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBoolean(5),
                rs.getString(6),
                totalBytes,
                rs.getLong(8),
                rs.getInt(9),
                rs.getInt(10),
                rs.getInt(11),
                rs.getInt(12),
                rs.getInt(13),
                lineErrors(rs.getString(14)),
                rs.getString(15),
                rs.getTimestamp(16).toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
