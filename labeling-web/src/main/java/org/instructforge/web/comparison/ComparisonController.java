package org.instructforge.web.comparison;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.instructforge.web.labeling.TaskPageRefusal;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

/** The labeler's comparison page, bound to {@link ComparisonSubmission} (preferred, likertLeft, likertRight). */
@Controller
class ComparisonController {

    private final ComparisonWork work;

    ComparisonController(ComparisonWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/comparisons/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        model.addAttribute("task", work.task(leaseId, user.getName()));
        model.addAttribute("form", new ComparisonSubmission(null, null, null));
        return "comparison/task";
    }

    @PostMapping("/labeler/comparisons/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @Valid @ModelAttribute("form") ComparisonSubmission form,
            BindingResult errors,
            Authentication user,
            Model model,
            HttpServletResponse response) {
        int status = HttpServletResponse.SC_BAD_REQUEST;
        if (!errors.hasErrors()) {
            try {
                work.submit(leaseId, user.getName(), form);
                return "redirect:/labeler/next?kind=COMPARISON";
            } catch (ResponseStatusException e) {
                // A lost lease says so on the page, with what was chosen.
                status = TaskPageRefusal.reject(e, errors);
            }
        }
        response.setStatus(status);
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "comparison/task";
    }
}
