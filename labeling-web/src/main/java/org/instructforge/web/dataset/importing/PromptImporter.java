package org.instructforge.web.dataset.importing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.PiiStatus;
import org.instructforge.shared.PromptFingerprint;
import org.instructforge.web.dataset.Curation;
import org.instructforge.web.dataset.DatasetImportTarget;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.pii.PiiDetection;
import org.instructforge.web.pii.PiiReview;
import org.instructforge.web.pii.PiiScanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports a JSONL or CSV file of prompts into a dataset, streaming: the file is read line by line, parsed,
 * scanned for PII and inserted in batches, so memory stays flat whatever the file's size. The whole file
 * is one transaction: a file with a bad line adds nothing (every bad line is reported with its number and
 * reason) unless the admin chose to skip bad lines. Re-importing a file adds nothing: prompts are keyed by
 * the hash of their exact text. After a successful import the dataset is curated (dedup, cap, split).
 */
@Service
public class PromptImporter {

    private static final Logger log = LoggerFactory.getLogger(PromptImporter.class);
    private static final int BATCH = 1000;

    private final Datasets datasets;
    private final Curation curation;
    private final PiiScanner scanner;
    private final PiiReview piiReview;
    private final ImportLog importLog;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TaskExecutor executor;
    private final ImportLimits limits;
    private final long maxFileBytes;

    PromptImporter(
            Datasets datasets,
            Curation curation,
            PiiScanner scanner,
            PiiReview piiReview,
            ImportLog importLog,
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            TaskExecutor applicationTaskExecutor,
            ImportProperties properties) {
        this.datasets = datasets;
        this.curation = curation;
        this.scanner = scanner;
        this.piiReview = piiReview;
        this.importLog = importLog;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.executor = applicationTaskExecutor;
        this.limits = properties.limits();
        this.maxFileBytes = properties.maxFileBytes();
    }

    /** Uploads larger than this are refused. */
    public long maxFileBytes() {
        return maxFileBytes;
    }

    /** What to import: the uploaded file (already on local disk) and how. */
    public record ImportRequest(
            long datasetId, String fileName, ImportFormat format, boolean skipBadLines, Path file, String actor) {}

    /**
     * Starts an import in the background and returns its id at once; the file is deleted when it ends.
     * Watch it with {@link #status(long)}.
     */
    public long start(ImportRequest request) {
        long importId = open(request);
        executor.execute(() -> run(importId, request));
        return importId;
    }

    /** Runs an import to the end in this thread (the API's {@code wait=true}, tests, the benchmark). */
    public ImportStatus runNow(ImportRequest request) {
        long importId = open(request);
        run(importId, request);
        return status(importId);
    }

    public ImportStatus status(long importId) {
        return importLog.find(importId).orElseThrow(() -> new ImportNotFoundException(importId));
    }

    public List<ImportStatus> recent(long datasetId, int count) {
        return importLog.recent(datasetId, count);
    }

    @EventListener(ApplicationReadyEvent.class)
    void failInterruptedImports() {
        int failed = importLog.failInterrupted();
        if (failed > 0) {
            log.warn("{} import(s) were interrupted by the last shutdown and are marked FAILED", failed);
        }
    }

    private long open(ImportRequest request) {
        DatasetImportTarget target = datasets.importTarget(request.datasetId());
        Long size = sizeOf(request.file());
        return importLog.open(
                target.id(), request.fileName(), request.format(), request.skipBadLines(), size, request.actor());
    }

    private void run(long importId, ImportRequest request) {
        ImportCounts counts = new ImportCounts();
        try {
            DatasetImportTarget target = datasets.importTarget(request.datasetId());
            boolean rejected = Boolean.TRUE.equals(transactions.execute(tx -> {
                importFile(importId, target, request, counts);
                if (counts.badLines > 0 && !request.skipBadLines()) {
                    tx.setRollbackOnly(); // all-or-nothing: nothing of this file is kept
                    return true;
                }
                return false;
            }));
            if (rejected) {
                counts.added = 0;
                counts.piiFlagged = 0;
                importLog.finish(
                        importId,
                        "REJECTED",
                        counts,
                        counts.badLines
                                + " bad line(s): nothing was imported. Fix them, or import again with 'skip bad lines'.");
                return;
            }
            curation.curate(target.id(), request.actor());
            importLog.finish(importId, "SUCCEEDED", counts, null);
        } catch (RuntimeException e) {
            log.error("Import {} failed", importId, e);
            counts.added = 0;
            importLog.finish(importId, "FAILED", counts, "The import failed and nothing was kept: " + e.getMessage());
        } finally {
            deleteQuietly(request.file());
        }
    }

    private void importFile(long importId, DatasetImportTarget target, ImportRequest request, ImportCounts counts) {
        try (InputStream in = Files.newInputStream(request.file());
                PromptFileParser parser = PromptFileParser.open(in, request.format(), limits)) {
            List<LineResult.Parsed> batch = new ArrayList<>(BATCH);
            while (parser.hasNext()) {
                LineResult result = parser.next();
                counts.linesRead++;
                if (result instanceof LineResult.Bad bad) {
                    counts.bad(bad.lineNumber(), bad.reason());
                } else if (result instanceof LineResult.Parsed parsed) {
                    batch.add(parsed);
                    if (batch.size() == BATCH) {
                        insert(target, batch, counts);
                        batch.clear();
                        counts.bytesRead = parser.bytesRead();
                        importLog.progress(importId, counts);
                    }
                }
            }
            insert(target, batch, counts);
            counts.bytesRead = parser.bytesRead();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Scans a batch for PII (on every core), inserts what is new in one statement, stores detections. */
    private void insert(DatasetImportTarget target, List<LineResult.Parsed> batch, ImportCounts counts) {
        if (batch.isEmpty()) {
            return;
        }
        int n = batch.size();
        List<List<PiiDetection>> detections = batch.parallelStream()
                .map(p -> scanner.scan(p.prompt().text(), target.phoneRegions()))
                .toList();
        String[][] columns = new String[10][n];
        Map<String, List<PiiDetection>> detectionsByHash = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ImportedPrompt prompt = batch.get(i).prompt();
            String hash = PromptFingerprint.contentHash(prompt.text());
            boolean flagged = !detections.get(i).isEmpty();
            columns[0][i] = prompt.text();
            columns[1][i] = prompt.messages();
            columns[2][i] = prompt.userId();
            columns[3][i] = prompt.source();
            columns[4][i] = prompt.category();
            columns[5][i] =
                    target.splitRatios().splitFor(target.id(), prompt.userId()).name();
            columns[6][i] = (flagged ? PiiStatus.PENDING_REVIEW : PiiStatus.CLEAN).name();
            columns[7][i] = PromptFingerprint.dedupKey(prompt.text(), target.dedupPrefixChars());
            columns[8][i] = hash;
            columns[9][i] = prompt.metadata();
            if (flagged) {
                detectionsByHash.put(hash, detections.get(i));
            }
        }
        List<PiiReview.ScannedPrompt> scanned = new ArrayList<>();
        int[] inserted = {0};
        jdbc.query(
                connection -> {
                    var statement = connection.prepareStatement("""
                            INSERT INTO prompt (dataset_id, text, messages, source_user_id, source_kind, category,
                                                split, pii_status, dedup_key, content_hash, metadata)
                            SELECT ?, t.text, CAST(t.messages AS jsonb), t.user_id, t.source, t.category, t.split,
                                   t.pii, t.dedup, t.hash, CAST(t.meta AS jsonb)
                            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                        ?::text[], ?::text[], ?::text[], ?::text[])
                                 AS t(text, messages, user_id, source, category, split, pii, dedup, hash, meta)
                            ON CONFLICT (dataset_id, content_hash) DO NOTHING
                            RETURNING id, content_hash""");
                    statement.setLong(1, target.id());
                    for (int c = 0; c < columns.length; c++) {
                        statement.setArray(c + 2, textArray(connection, columns[c]));
                    }
                    return statement;
                },
                (java.sql.ResultSet rs) -> {
                    inserted[0]++;
                    List<PiiDetection> found = detectionsByHash.get(rs.getString(2));
                    if (found != null) {
                        scanned.add(new PiiReview.ScannedPrompt(rs.getLong(1), found));
                    }
                });
        piiReview.saveDetections(scanned);
        counts.added += inserted[0];
        counts.alreadyPresent += n - inserted[0];
        counts.piiFlagged += scanned.size();
    }

    private static Array textArray(Connection connection, String[] values) throws SQLException {
        return connection.createArrayOf("text", values);
    }

    private static Long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete the uploaded file {}", file, e);
        }
    }
}
