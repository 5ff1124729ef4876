package org.instructforge.web.demonstration;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.instructforge.web.labeling.TaskPageRefusal;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The labeler's demonstration page: write, autosave, submit. */
@Controller
class DemonstrationController {

    private final DemonstrationWork work;

    DemonstrationController(DemonstrationWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/demonstrations/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        DemonstrationTask task = work.task(leaseId, user.getName());
        model.addAttribute("task", task);
        model.addAttribute("form", new DemonstrationForm(task.draft()));
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
            @Valid @ModelAttribute("form") DemonstrationForm form,
            BindingResult errors,
            Authentication user,
            Model model,
            HttpServletResponse response) {
        int status = HttpServletResponse.SC_BAD_REQUEST;
        if (!errors.hasErrors()) {
            try {
                work.submit(leaseId, user.getName(), form.text());
                return "redirect:/labeler/next?kind=DEMONSTRATION";
            } catch (ResponseStatusException e) {
                status = TaskPageRefusal.reject(e, errors);
            }
        }
        // The page again with the labeler's text and the reason: nothing typed is lost.
        response.setStatus(status);
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "demonstration/task";
    }

    /** A submitted demonstration, to revise while no training run has used it. */
    @GetMapping("/labeler/history/demonstrations/{id}/revise")
    String revisePage(@PathVariable long id, Authentication user, Model model) {
        DemonstrationWork.Revisable demonstration = work.revisable(id, user.getName());
        model.addAttribute("demonstration", demonstration);
        model.addAttribute("form", new DemonstrationForm(demonstration.text()));
        return "demonstration/revise";
    }

    @PostMapping("/labeler/history/demonstrations/{id}/revise")
    String revise(
            @PathVariable long id,
            @Valid @ModelAttribute("form") DemonstrationForm form,
            BindingResult errors,
            Authentication user,
            Model model,
            RedirectAttributes flash,
            HttpServletResponse response) {
        int status = HttpServletResponse.SC_BAD_REQUEST;
        if (!errors.hasErrors()) {
            try {
                work.revise(id, user.getName(), form.text());
                flash.addFlashAttribute("notice", "Demonstration revised; the earlier version stays in your history.");
                return "redirect:/labeler/history";
            } catch (ResponseStatusException e) {
                status = TaskPageRefusal.reject(e, errors);
            }
        }
        // The page again with the refusal (a used demonstration: 409) and the text as typed.
        response.setStatus(status);
        model.addAttribute("demonstration", work.revisable(id, user.getName()));
        return "demonstration/revise";
    }
}
