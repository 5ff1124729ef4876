package org.instructforge.web.ranking;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.instructforge.web.labeling.TaskPageRefusal;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The labeler's ranking page, bound to {@link RankingForm}. Bean Validation checks each value's form; what needs
 * the task (every output ranked, ranks within 1..K) comes back from {@link Ranking} as an
 * {@link InvalidRankingException} and is shown beside its field the same way.
 */
@Controller
class RankingController {

    private final RankingWork work;

    RankingController(RankingWork work) {
        this.work = work;
    }

    /**
     * The form binds through RankingForm's constructor only. Otherwise Spring would afterwards also set each
     * {@code ranks[ID]} and each checkbox's empty marker ({@code _flags[ID]}) into the record's maps by property path,
     * writing into maps the record holds (and null label sets for outputs without a checked label).
     */
    @InitBinder("form")
    void bindThroughTheConstructorOnly(WebDataBinder binder) {
        binder.setDeclarativeBinding(true);
    }

    @GetMapping("/labeler/rankings/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        return page(model, work.task(leaseId, user.getName()));
    }

    /**
     * Called by the page's script a moment after each change; the browser keeps its own copy too. A draft is kept
     * as entered, checked or not: what did not bind (an unknown label) is left out.
     */
    @PostMapping("/labeler/rankings/{leaseId}/draft")
    @ResponseBody
    ResponseEntity<Void> saveDraft(
            @PathVariable long leaseId,
            @ModelAttribute("form") RankingForm form,
            BindingResult ignored,
            Authentication user) {
        work.saveDraft(leaseId, user.getName(), form);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/labeler/rankings/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @Valid @ModelAttribute("form") RankingForm form,
            BindingResult errors,
            Authentication user,
            Model model,
            HttpServletResponse response) {
        if (!errors.hasErrors()) {
            try {
                work.submit(leaseId, user.getName(), form.submission());
                return "redirect:/labeler/next?kind=RANKING";
            } catch (InvalidRankingException e) {
                reject(errors, e);
            }
        }
        // The page again, with everything as entered (kept as the draft too) and each reason beside its field.
        work.saveDraft(leaseId, user.getName(), form);
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "ranking/task";
    }

    /** The submitted ranking on its page, to revise while no training run has used it. */
    @GetMapping("/labeler/rankings/{leaseId}/revise")
    String revisePage(@PathVariable long leaseId, Authentication user, Model model) {
        return page(model, work.revisable(leaseId, user.getName()));
    }

    @PostMapping("/labeler/rankings/{leaseId}/revise")
    String revise(
            @PathVariable long leaseId,
            @Valid @ModelAttribute("form") RankingForm form,
            BindingResult errors,
            Authentication user,
            Model model,
            RedirectAttributes flash,
            HttpServletResponse response) {
        int status = HttpServletResponse.SC_BAD_REQUEST;
        if (!errors.hasErrors()) {
            try {
                work.revise(leaseId, user.getName(), form.submission());
                flash.addFlashAttribute("notice", "Ranking revised; the earlier version stays in your history.");
                return "redirect:/labeler/history";
            } catch (InvalidRankingException e) {
                reject(errors, e);
            } catch (ResponseStatusException e) {
                // A ranking a run has read or a reviewer has decided on: 409, with the reason.
                status = TaskPageRefusal.reject(e, errors);
            }
        }
        // The page again with everything as entered and the reason.
        response.setStatus(status);
        model.addAttribute("task", work.revisable(leaseId, user.getName()));
        return "ranking/task";
    }

    private static String page(Model model, RankingTaskView task) {
        model.addAttribute("task", task);
        model.addAttribute("form", RankingForm.of(task.draft()));
        return "ranking/task";
    }

    /** The task's refusal beside the field it names, or for the ranking as a whole. */
    private static void reject(BindingResult errors, InvalidRankingException e) {
        if (e.field() == null) {
            errors.reject("ranking.invalid", e.getMessage());
        } else {
            errors.rejectValue(e.field(), "ranking.invalid", e.getMessage());
        }
    }
}
