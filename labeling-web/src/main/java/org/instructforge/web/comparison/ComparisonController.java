package org.instructforge.web.comparison;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** The labeler's comparison page. Form fields: preferred (LEFT, RIGHT, TIE, BOTH_BAD), likertLeft, likertRight. */
@Controller
class ComparisonController {

    private final ComparisonWork work;

    ComparisonController(ComparisonWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/comparisons/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "comparison/task";
    }

    @PostMapping("/labeler/comparisons/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @RequestParam(required = false) String preferred,
            @RequestParam(required = false) Integer likertLeft,
            @RequestParam(required = false) Integer likertRight,
            Authentication user,
            Model model) {
        try {
            work.submit(
                    leaseId,
                    user.getName(),
                    new ComparisonSubmission(Preference.parse(preferred), likertLeft, likertRight));
        } catch (InvalidJudgementException | ResponseStatusException e) {
            if (e instanceof ResponseStatusException status
                    && status.getStatusCode().value() == 404) {
                throw status;
            }
            // The page again with the reason and what was chosen (a lost lease says so here, too).
            model.addAttribute("task", work.task(leaseId, user.getName()));
            model.addAttribute(
                    "error", e instanceof ResponseStatusException status ? status.getReason() : e.getMessage());
            model.addAttribute("chosen", preferred);
            model.addAttribute("likertLeft", likertLeft);
            model.addAttribute("likertRight", likertRight);
            return "comparison/task";
        }
        return "redirect:/labeler/next?kind=COMPARISON";
    }
}
