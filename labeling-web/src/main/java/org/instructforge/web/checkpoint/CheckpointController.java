package org.instructforge.web.checkpoint;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The checkpoint registry's list and downloads. One checkpoint's page, where it is published and its rounds are
 * listed, belongs to the rounds ({@code web.round.PublishController}): rounds build on checkpoints, not back.
 */
@Controller
class CheckpointController {

    private final CheckpointCatalog catalog;
    private final CheckpointArchive archive;

    CheckpointController(CheckpointCatalog catalog, CheckpointArchive archive) {
        this.catalog = catalog;
        this.archive = archive;
    }

    @GetMapping("/engineer/checkpoints")
    String list(Model model) {
        model.addAttribute("checkpoints", catalog.listed());
        return "checkpoint/list";
    }

    /**
     * The directory as a zip, for the browser and the API alike. {@code @ResponseBody} only shows the API description
     * (springdoc) that this is an endpoint, not a page; the zip is written to the response either way.
     */
    @ResponseBody
    @ApiResponse(
            responseCode = "200",
            description = "The checkpoint's directory as a zip",
            content = @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")))
    @GetMapping({"/engineer/checkpoints/{id}/download", "/api/engineer/checkpoints/{id}/download"})
    void download(@PathVariable long id, HttpServletResponse response) throws IOException {
        Checkpoint checkpoint = catalog.ready(id);
        List<CheckpointArchive.Entry> entries = archive.entries(checkpoint);
        response.setContentType("application/zip");
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment()
                        .filename(checkpoint.name() + ".zip", StandardCharsets.UTF_8)
                        .build()
                        .toString());
        archive.write(entries, response.getOutputStream());
    }
}
