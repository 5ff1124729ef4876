package org.instructforge.web.demonstration;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/** The labeler's demonstration page: write, autosave, submit. */
@Controller
class DemonstrationController {

    private final DemonstrationWork work;

    DemonstrationController(DemonstrationWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/demonstrations/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "demonstration/task";
    }

    /** Called by the page's script a moment after the labeler stops typing. */
    @PostMapping("/labeler/demonstrations/{leaseId}/draft")
    @ResponseBody
    ResponseEntity<Void> saveDraft(
            @PathVariable long leaseId, @RequestParam(defaultValue = "") String text, Authentication user) {
        work.saveDraft(leaseId, user.getName(), text);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/labeler/demonstrations/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @RequestParam(defaultValue = "") String text,
            Authentication user,
            Model model) {
        try {
            work.submit(leaseId, user.getName(), text);
        } catch (ResponseStatusException e) {
            if (!e.getStatusCode().is4xxClientError() || e.getStatusCode().value() == 404) {
                throw e;
            }
            // Show the page again with the labeler's text and the reason: nothing typed is lost.
            DemonstrationTask task = work.task(leaseId, user.getName());
            model.addAttribute("task", task);
            model.addAttribute("typed", text);
            model.addAttribute("error", e.getReason());
            return "demonstration/task";
        }
        return "redirect:/labeler/next?kind=DEMONSTRATION";
    }
}
