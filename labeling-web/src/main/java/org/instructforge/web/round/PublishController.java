package org.instructforge.web.round;

import java.util.Map;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.web.checkpoint.Checkpoint;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * One checkpoint's page: its details and lineage, the rounds it feeds and the form that publishes it with the next
 * ranking round. It lives with the rounds because it shows and starts them; the registry's list and downloads are
 * {@code web.checkpoint}'s.
 */
@Controller
class PublishController {

    private final CheckpointCatalog catalog;
    private final Publishing publishing;
    private final LabelRounds rounds;

    PublishController(CheckpointCatalog catalog, Publishing publishing, LabelRounds rounds) {
        this.catalog = catalog;
        this.publishing = publishing;
        this.rounds = rounds;
    }

    @GetMapping("/engineer/checkpoints/{id}")
    String show(@PathVariable long id, Model model) {
        Checkpoint checkpoint = catalog.ready(id);
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
            return show(catalog.ready(id), e.errors(), model);
        }
    }

    private String show(Checkpoint checkpoint, Map<String, String> errors, Model model) {
        model.addAttribute("checkpoint", checkpoint);
        model.addAttribute("errors", errors);
        model.addAttribute("rounds", rounds.roundsOf(checkpoint.id()));
        model.addAttribute("datasets", rounds.datasetChoices());
        model.addAttribute("judges", catalog.choices(Set.of(CheckpointKind.REWARD)));
        model.addAttribute("samplingParameters", Hyperparameters.of(RunType.CANDIDATES));
        return "checkpoint/show";
    }
}
