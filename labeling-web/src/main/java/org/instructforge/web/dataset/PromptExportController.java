package org.instructforge.web.dataset;

import org.instructforge.shared.Split;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Downloads a dataset's prompts with their splits as JSONL, from the admin pages and the API. */
@RestController
class PromptExportController {

    private final PromptExport export;
    private final org.instructforge.web.audit.AuditTrail audit;

    PromptExportController(PromptExport export, org.instructforge.web.audit.AuditTrail audit) {
        this.export = export;
        this.audit = audit;
    }

    @GetMapping({"/admin/datasets/{id}/export.jsonl", "/api/admin/datasets/{id}/export.jsonl"})
    ResponseEntity<StreamingResponseBody> export(
            @PathVariable long id,
            @RequestParam(required = false) Split split,
            @RequestParam(defaultValue = "true") boolean activeOnly,
            Authentication user) {
        audit.record(
                user.getName(),
                "dataset.exported",
                "prompt_dataset",
                id,
                "split",
                String.valueOf(split),
                "activeOnly",
                activeOnly);
        String name = "dataset-" + id + (split == null ? "" : "-" + split.name().toLowerCase()) + ".jsonl";
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .header("X-Withheld-Pending-PII-Review", Long.toString(export.withheld(id)))
                .body(out -> export.write(id, split, activeOnly, out));
    }
}
