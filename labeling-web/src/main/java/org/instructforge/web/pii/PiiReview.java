package org.instructforge.web.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.instructforge.shared.PiiStatus;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * The PII review queue. The scanner's detections wait here; an admin accepts, edits or rejects each one,
 * and when none of a prompt's detections is pending any more the prompt is scrubbed: its text gets the
 * replacements, its original goes to the admin-only table when the dataset keeps originals (else it is
 * discarded), and it becomes SCRUBBED (or CLEAN when every detection was rejected). Until then it is
 * PENDING_REVIEW and no task or export uses it.
 */
@Service
public class PiiReview {

    public static final int PAGE_SIZE = 20;

    private final PiiScanner scanner;
    private final PiiScrubber scrubber;
    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final AuditTrail audit;

    PiiReview(PiiScanner scanner, PiiScrubber scrubber, JdbcClient jdbc, JdbcTemplate jdbcTemplate, AuditTrail audit) {
        this.scanner = scanner;
        this.scrubber = scrubber;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.audit = audit;
    }

    /** A prompt and what the scanner found in it, to be stored together. */
    public record ScannedPrompt(long promptId, List<PiiDetection> detections) {}

    /** Stores detections for freshly inserted prompts (in batches, inside the caller's transaction). */
    @Transactional
    public void saveDetections(List<ScannedPrompt> scanned) {
        List<Object[]> rows = new ArrayList<>();
        for (ScannedPrompt prompt : scanned) {
            for (PiiDetection d : prompt.detections()) {
                rows.add(new Object[] {prompt.promptId(), d.type().name(), d.start(), d.end(), d.text()});
            }
        }
        if (!rows.isEmpty()) {
            jdbcTemplate.batchUpdate(
                    "INSERT INTO pii_detection (prompt_id, pii_type, start_offset, end_offset, detected_text) "
                            + "VALUES (?, ?, ?, ?, ?)",
                    rows);
        }
    }

    /**
     * Scans a prompt's current text again (after an edit): old detections go, new ones wait for review.
     *
     * @param regions the prompt's dataset's phone regions
     */
    @Transactional
    public PiiStatus rescan(long promptId, String text, PhoneRegions regions) {
        jdbc.sql("DELETE FROM pii_detection WHERE prompt_id = :p")
                .param("p", promptId)
                .update();
        List<PiiDetection> detections = scanner.scan(text, regions);
        saveDetections(List.of(new ScannedPrompt(promptId, detections)));
        PiiStatus status = detections.isEmpty() ? PiiStatus.CLEAN : PiiStatus.PENDING_REVIEW;
        jdbc.sql("UPDATE prompt SET pii_status = :s WHERE id = :p")
                .param("s", status.name())
                .param("p", promptId)
                .update();
        return status;
    }

    @Transactional(readOnly = true)
    public long pendingCount(Long datasetId) {
        return jdbc.sql("SELECT count(*) FROM prompt WHERE pii_status = 'PENDING_REVIEW' "
                        + "AND (CAST(:d AS BIGINT) IS NULL OR dataset_id = :d)")
                .param("d", datasetId)
                .query(Long.class)
                .single();
    }

    /** A page of prompts waiting for review, oldest first, optionally of one dataset. */
    @Transactional(readOnly = true)
    public List<ReviewItem> pending(Long datasetId, int page) {
        record Row(long id, String text, String dataset) {}
        List<Row> prompts = jdbc.sql("""
                        SELECT p.id, p.text, d.name FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id
                        WHERE p.pii_status = 'PENDING_REVIEW' AND (CAST(:d AS BIGINT) IS NULL OR p.dataset_id = :d)
                        ORDER BY p.id LIMIT :limit OFFSET :offset""")
                .param("d", datasetId)
                .param("limit", PAGE_SIZE)
                .param("offset", Math.max(page, 0) * PAGE_SIZE)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
        List<ReviewItem> items = new ArrayList<>();
        for (Row prompt : prompts) {
            List<StoredDetection> detections = detectionsOf(prompt.id());
            items.add(new ReviewItem(
                    prompt.id(),
                    prompt.dataset(),
                    segments(prompt.text(), detections),
                    detections.stream().map(StoredDetection::view).toList()));
        }
        return items;
    }

    /**
     * Records an admin's decision. Deciding a detection that another admin already decided changes
     * nothing (double submits and concurrent reviewers are harmless).
     *
     * @return the prompt's PII status afterwards
     */
    @Transactional
    public PiiStatus decide(long detectionId, ReviewDecision decision, String replacement, String actor) {
        Long promptId = jdbc.sql("SELECT prompt_id FROM pii_detection WHERE id = :id")
                .param("id", detectionId)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No detection " + detectionId));
        lockPrompt(promptId);
        if (decision == ReviewDecision.EDIT && (replacement == null || replacement.isBlank())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "An edit needs the replacement text");
        }
        int changed = jdbc.sql("""
                        UPDATE pii_detection SET status = :status, replacement = :replacement,
                               reviewed_by = (SELECT id FROM app_user WHERE username = :actor), reviewed_at = now()
                        WHERE id = :id AND status = 'PENDING'""")
                .param(
                        "status",
                        switch (decision) {
                            case ACCEPT -> "ACCEPTED";
                            case EDIT -> "EDITED";
                            case REJECT -> "REJECTED";
                        })
                .param("replacement", decision == ReviewDecision.EDIT ? replacement.strip() : null)
                .param("actor", actor)
                .param("id", detectionId)
                .update();
        if (changed > 0) {
            audit.record(actor, "pii.decided", "pii_detection", detectionId, "decision", decision.name());
        }
        return finishIfDecided(promptId, actor);
    }

    /** Accepts every pending detection of one prompt. */
    @Transactional
    public PiiStatus acceptAll(long promptId, String actor) {
        lockPrompt(promptId);
        int changed = jdbc.sql("""
                        UPDATE pii_detection SET status = 'ACCEPTED',
                               reviewed_by = (SELECT id FROM app_user WHERE username = :actor), reviewed_at = now()
                        WHERE prompt_id = :p AND status = 'PENDING'""").param("actor", actor).param("p", promptId).update();
        if (changed > 0) {
            audit.record(actor, "pii.accepted_all", "prompt", promptId, "count", changed);
        }
        return finishIfDecided(promptId, actor);
    }

    private void lockPrompt(long promptId) {
        jdbc.sql("SELECT id FROM prompt WHERE id = :p FOR UPDATE")
                .param("p", promptId)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No prompt " + promptId));
    }

    private PiiStatus finishIfDecided(long promptId, String actor) {
        record PromptState(String text, String status, boolean keepOriginal) {}
        PromptState prompt = jdbc.sql("""
                        SELECT p.text, p.pii_status, d.keep_pii_originals
                        FROM prompt p JOIN prompt_dataset d ON d.id = p.dataset_id WHERE p.id = :p""")
                .param("p", promptId)
                .query((rs, n) -> new PromptState(rs.getString(1), rs.getString(2), rs.getBoolean(3)))
                .single();
        if (!PiiStatus.PENDING_REVIEW.name().equals(prompt.status())) {
            return PiiStatus.valueOf(prompt.status());
        }
        List<StoredDetection> detections = detectionsOf(promptId);
        if (detections.stream().anyMatch(d -> d.status().equals("PENDING"))) {
            return PiiStatus.PENDING_REVIEW;
        }
        List<StoredDetection> applied =
                detections.stream().filter(d -> !d.status().equals("REJECTED")).toList();
        if (applied.isEmpty()) {
            setStatus(promptId, PiiStatus.CLEAN);
            return PiiStatus.CLEAN;
        }
        String scrubbed = scrubber.scrub(
                prompt.text(),
                applied.stream().map(StoredDetection::asDetection).toList(),
                d -> applied.stream()
                        .filter(a -> a.start() == d.start())
                        .findFirst()
                        .map(StoredDetection::effectiveReplacement)
                        .orElseThrow());
        if (prompt.keepOriginal()) {
            jdbc.sql("INSERT INTO prompt_pii_original (prompt_id, original_text) VALUES (:p, :t) "
                            + "ON CONFLICT (prompt_id) DO NOTHING")
                    .param("p", promptId)
                    .param("t", prompt.text())
                    .update();
        }
        jdbc.sql("UPDATE prompt SET text = :t, pii_status = 'SCRUBBED' WHERE id = :p")
                .param("t", scrubbed)
                .param("p", promptId)
                .update();
        audit.record(
                actor,
                "pii.scrubbed",
                "prompt",
                promptId,
                "spans",
                applied.size(),
                "originalKept",
                prompt.keepOriginal());
        return PiiStatus.SCRUBBED;
    }

    private void setStatus(long promptId, PiiStatus status) {
        jdbc.sql("UPDATE prompt SET pii_status = :s WHERE id = :p")
                .param("s", status.name())
                .param("p", promptId)
                .update();
    }

    private record StoredDetection(
            long id, String type, int start, int end, String text, String status, String replacement) {

        ReviewItem.Detection view() {
            return new ReviewItem.Detection(id, type, text, status, replacement);
        }

        PiiDetection asDetection() {
            return new PiiDetection(PiiType.valueOf(type), start, end, text, 1.0, "review");
        }

        String effectiveReplacement() {
            return status.equals("EDITED") ? replacement : PiiType.valueOf(type).placeholder();
        }
    }

    private List<StoredDetection> detectionsOf(long promptId) {
        return jdbc.sql("""
                        SELECT id, pii_type, start_offset, end_offset, detected_text, status, replacement
                        FROM pii_detection WHERE prompt_id = :p ORDER BY start_offset""")
                .param("p", promptId)
                .query((rs, n) -> new StoredDetection(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)))
                .list();
    }

    /** Cuts the text at the detections' edges so a template can highlight them with th:each alone. */
    static List<ReviewItem.Segment> segments(String text, List<StoredDetection> detections) {
        List<ReviewItem.Segment> segments = new ArrayList<>();
        int at = 0;
        for (StoredDetection d : detections.stream()
                .sorted(Comparator.comparingInt(StoredDetection::start))
                .toList()) {
            if (d.start() < at || d.end() > text.length()) {
                continue; // a stale or overlapping span is listed below the text but not highlighted
            }
            if (d.start() > at) {
                segments.add(new ReviewItem.Segment(text.substring(at, d.start()), null, null));
            }
            segments.add(new ReviewItem.Segment(text.substring(d.start(), d.end()), d.id(), d.type()));
            at = d.end();
        }
        if (at < text.length()) {
            segments.add(new ReviewItem.Segment(text.substring(at), null, null));
        }
        return segments;
    }
}
