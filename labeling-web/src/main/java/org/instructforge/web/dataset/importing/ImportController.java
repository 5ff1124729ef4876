package org.instructforge.web.dataset.importing;

import java.io.IOException;
import org.instructforge.web.dataset.Datasets;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admins upload a JSONL or CSV file of prompts and watch it import. */
@Controller
class ImportController {

    private static final int RECENT_IMPORTS = 20;
    static final String UNKNOWN_FORMAT = "Cannot tell the file's format: name it .jsonl or .csv.";

    private final PromptImporter importer;
    private final Datasets datasets;

    ImportController(PromptImporter importer, Datasets datasets) {
        this.importer = importer;
        this.datasets = datasets;
    }

    @GetMapping("/admin/datasets/{datasetId}/imports")
    String form(@PathVariable long datasetId, Model model) {
        model.addAttribute("dataset", datasets.detail(datasetId));
        model.addAttribute("imports", importer.recent(datasetId, RECENT_IMPORTS));
        return "dataset/imports";
    }

    /** A form upload only: any other body is refused with 415 before a part is looked for (it was a 500). */
    @PostMapping(path = "/admin/datasets/{datasetId}/imports", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    String upload(
            @PathVariable long datasetId,
            @RequestParam("file") MultipartFile file,
            @RequestParam(defaultValue = "false") boolean skipBadLines,
            Authentication user,
            RedirectAttributes flash)
            throws IOException {
        if (file.isEmpty()) {
            flash.addFlashAttribute("importError", UploadedFiles.EMPTY_FILE);
            return "redirect:/admin/datasets/" + datasetId + "/imports";
        }
        String name = UploadedFiles.displayName(file.getOriginalFilename(), "upload");
        var format = ImportFormat.detect(name, file.getContentType());
        if (format.isEmpty()) {
            flash.addFlashAttribute("importError", UNKNOWN_FORMAT);
            return "redirect:/admin/datasets/" + datasetId + "/imports";
        }
        long importId = importer.start(new PromptImporter.ImportRequest(
                datasetId,
                name,
                format.get(),
                skipBadLines,
                UploadedFiles.spool(file.getInputStream(), importer.maxFileBytes()),
                user.getName()));
        return "redirect:/admin/imports/" + importId;
    }

    @GetMapping("/admin/imports/{id}")
    String show(@PathVariable long id, Model model) {
        model.addAttribute("job", importer.status(id));
        return "dataset/import";
    }
}
