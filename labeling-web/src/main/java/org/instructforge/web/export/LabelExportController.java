package org.instructforge.web.export;

import org.instructforge.shared.Split;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Label exports for admins and ML engineers: {@code /exports/sft.jsonl}, {@code /exports/preferences.jsonl},
 * {@code /exports/rankings.jsonl} (and the same under {@code /api}), filtered by {@code dataset} and
 * {@code split}; rankings take {@code pseudonymise=true}. {@code feedback=human|ai|all} (default all: every line
 * says its {@code feedback_source}, so nothing is hidden unasked) keeps people's labels, the AI labeler's, or both.
 * {@code format=standard|conversational} (sft and preferences) chooses TRL's text or chat-turn layout.
 */
@RestController
class LabelExportController {

    private final LabelExport export;
    private final AuditTrail audit;

    LabelExportController(LabelExport export, AuditTrail audit) {
        this.export = export;
        this.audit = audit;
    }

    @GetMapping({"/exports/{kind}.jsonl", "/api/exports/{kind}.jsonl"})
    ResponseEntity<StreamingResponseBody> export(
            @PathVariable String kind,
            @RequestParam(required = false) Long dataset,
            @RequestParam(required = false) Split split,
            @RequestParam(defaultValue = "false") boolean pseudonymise,
            @RequestParam(required = false) String feedback,
            @RequestParam(required = false) String format,
            Authentication user) {
        LabelExport.Feedback whose;
        LabelExport.Format layout;
        try {
            whose = LabelExport.Feedback.parse(feedback);
            layout = LabelExport.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(org.springframework.http.HttpStatus.BAD_REQUEST, e.getMessage());
        }
        var selection = new LabelExport.Selection(dataset, split, whose);
        StreamingResponseBody body = switch (kind) {
            case "sft" -> out -> export.sft(selection, layout, out);
            case "preferences" -> out -> export.preferences(selection, layout, out);
            case "rankings" -> out -> export.rankings(selection, pseudonymise, out);
            default ->
                throw new ResponseStatusException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "Exports are sft, preferences and rankings");
        };
        audit.record(
                user.getName(),
                "labels.exported",
                "export",
                kind,
                "dataset",
                String.valueOf(dataset),
                "split",
                String.valueOf(split),
                "pseudonymised",
                pseudonymise,
                "feedback",
                whose.name(),
                "format",
                layout.name());
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + kind + ".jsonl\"")
                .body(body);
    }
}
