package org.instructforge.web.dataset.importing;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Imports over the API: the request body is the file itself (JSONL or CSV), e.g.
 * {@code curl -u admin:... --data-binary @prompts.jsonl -H 'Content-Type: application/x-ndjson'
 * 'localhost:8080/api/admin/datasets/1/imports?fileName=prompts.jsonl&wait=true'}.
 */
@RestController
class ImportApiController {

    private final PromptImporter importer;

    ImportApiController(PromptImporter importer) {
        this.importer = importer;
    }

    /**
     * @param wait true: answer when the import has ended, with its outcome; false: answer 202 at once
     */
    @PostMapping("/api/admin/datasets/{datasetId}/imports")
    ResponseEntity<ImportStatus> importFile(
            @PathVariable long datasetId,
            @RequestParam(defaultValue = "upload.jsonl") String fileName,
            @RequestParam(required = false) ImportFormat format,
            @RequestParam(defaultValue = "false") boolean skipBadLines,
            @RequestParam(defaultValue = "false") boolean wait,
            HttpServletRequest request,
            Authentication user)
            throws IOException {
        String name = UploadedFiles.displayName(fileName, "upload.jsonl");
        ImportFormat chosen = format != null
                ? format
                : ImportFormat.detect(name, request.getContentType())
                        .orElseThrow(() -> new ResponseStatusException(
                                HttpStatus.BAD_REQUEST,
                                "Cannot tell the file's format: pass format=JSONL or format=CSV, a fileName "
                                        + "ending in .jsonl or .csv, or a Content-Type of application/x-ndjson "
                                        + "or text/csv"));
        var importRequest = new PromptImporter.ImportRequest(
                datasetId,
                name,
                chosen,
                skipBadLines,
                UploadedFiles.spool(request.getInputStream(), importer.maxFileBytes()),
                user.getName());
        if (wait) {
            return ResponseEntity.ok(importer.runNow(importRequest));
        }
        long id = importer.start(importRequest);
        return ResponseEntity.accepted()
                .location(URI.create("/api/admin/imports/" + id))
                .body(importer.status(id));
    }

    @GetMapping("/api/admin/imports/{id}")
    ImportStatus status(@PathVariable long id) {
        return importer.status(id);
    }
}
