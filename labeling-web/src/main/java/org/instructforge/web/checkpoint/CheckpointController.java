package org.instructforge.web.checkpoint;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The checkpoint registry's pages: the list, one checkpoint with its lineage, download and publishing. */
@Controller
class CheckpointController {

    private final CheckpointRegistry registry;
    private final CheckpointArchive archive;
    private final Publishing publishing;
    private final LabelRounds rounds;

    CheckpointController(
            CheckpointRegistry registry, CheckpointArchive archive, Publishing publishing, LabelRounds rounds) {
        this.registry = registry;
        this.archive = archive;
        this.publishing = publishing;
        this.rounds = rounds;
    }

    @GetMapping("/engineer/checkpoints")
    String list(Model model) {
        model.addAttribute("checkpoints", registry.listed());
        return "checkpoint/list";
    }

    @GetMapping("/engineer/checkpoints/{id}")
    String show(@PathVariable long id, Model model) {
        Checkpoint checkpoint = registry.ready(id);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", PublishForm.defaults(rounds.proposeName(Publishing.roundWhat(checkpoint))));
        }
        return show(checkpoint, Map.of(), model);
    }

    @PostMapping("/engineer/checkpoints/{id}/publish")
    String publish(
            @PathVariable long id,
            @ModelAttribute("form") PublishForm form,
            Authentication user,
            Model model,
            RedirectAttributes flash) {
        try {
            Publishing.Published published = publishing.publish(id, form, user.getName());
            flash.addFlashAttribute("published", published);
            return "redirect:/engineer/checkpoints/" + id;
        } catch (InvalidRoundException e) {
            return show(registry.ready(id), e.errors(), model);
        }
    }

    /** The directory as a zip, for the browser and the API alike. */
    @GetMapping({"/engineer/checkpoints/{id}/download", "/api/engineer/checkpoints/{id}/download"})
    void download(@PathVariable long id, HttpServletResponse response) throws IOException {
        Checkpoint checkpoint = registry.ready(id);
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

    private String show(Checkpoint checkpoint, Map<String, String> errors, Model model) {
        model.addAttribute("checkpoint", checkpoint);
        model.addAttribute("errors", errors);
        model.addAttribute("rounds", rounds.roundsOf(checkpoint.id()));
        model.addAttribute("datasets", rounds.datasetChoices());
        model.addAttribute("judges", registry.choices(Set.of(CheckpointKind.REWARD)));
        model.addAttribute("samplingParameters", Hyperparameters.of(RunType.CANDIDATES));
        return "checkpoint/show";
    }
}
