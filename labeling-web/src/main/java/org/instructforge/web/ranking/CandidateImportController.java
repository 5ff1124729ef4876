package org.instructforge.web.ranking;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admins import candidate outputs as ranking tasks: an upload on the dataset page, or the API. */
@Controller
class CandidateImportController {

    private final CandidateImport candidates;

    CandidateImportController(CandidateImport candidates) {
        this.candidates = candidates;
    }

    /** A form upload only: any other body is refused with 415 before a part is looked for (it was a 500). */
    @PostMapping(path = "/admin/datasets/{datasetId}/candidates", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    String upload(
            @PathVariable long datasetId,
            @RequestParam("file") MultipartFile file,
            Authentication user,
            RedirectAttributes flash)
            throws IOException {
        CandidateImport.Report report = candidates.importFile(datasetId, file.getInputStream(), user.getName());
        flash.addFlashAttribute("candidateReport", report);
        return "redirect:/admin/datasets/" + datasetId;
    }

    /** The request body is the JSONL file; 422 with every bad line when nothing was imported. */
    @PostMapping("/api/admin/datasets/{datasetId}/candidates")
    @ResponseBody
    ResponseEntity<CandidateImport.Report> importCandidates(
            @PathVariable long datasetId, HttpServletRequest request, Authentication user) throws IOException {
        CandidateImport.Report report = candidates.importFile(datasetId, request.getInputStream(), user.getName());
        return ResponseEntity.status(report.errors().isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_CONTENT)
                .body(report);
    }
}
