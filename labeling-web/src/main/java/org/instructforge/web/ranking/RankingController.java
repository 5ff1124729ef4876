package org.instructforge.web.ranking;

import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The labeler's ranking page. Form fields: rank_ID, likert_ID, flag_ID (repeated), notRankable, reason. The
 * field names are made of candidate ids, so the form is read as a map rather than bound to a record.
 */
@Controller
class RankingController {

    private final RankingWork work;

    RankingController(RankingWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/rankings/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        RankingTaskView task = work.task(leaseId, user.getName());
        model.addAttribute("task", task);
        model.addAttribute("entered", task.draft());
        model.addAttribute("fieldErrors", Map.of());
        return "ranking/task";
    }

    /** Called by the page's script a moment after each change; the browser keeps its own copy too. */
    @PostMapping("/labeler/rankings/{leaseId}/draft")
    @ResponseBody
    ResponseEntity<Void> saveDraft(
            @PathVariable long leaseId, @RequestParam MultiValueMap<String, String> form, Authentication user) {
        work.saveDraft(leaseId, user.getName(), form);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/labeler/rankings/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @RequestParam MultiValueMap<String, String> form,
            Authentication user,
            Model model,
            HttpServletResponse response) {
        try {
            work.submit(leaseId, user.getName(), parse(form));
        } catch (InvalidRankingException e) {
            // The page again, with everything as entered (kept as the draft too) and the reason beside its field.
            work.saveDraft(leaseId, user.getName(), form);
            RankingTaskView task = work.task(leaseId, user.getName());
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("task", task);
            model.addAttribute("entered", task.draft());
            model.addAttribute("error", e.getMessage());
            model.addAttribute("fieldErrors", e.field() == null ? Map.of() : Map.of(e.field(), e.getMessage()));
            return "ranking/task";
        }
        return "redirect:/labeler/next?kind=RANKING";
    }

    /** The submitted ranking on its page, to revise while no training run has used it. */
    @GetMapping("/labeler/rankings/{leaseId}/revise")
    String revisePage(@PathVariable long leaseId, Authentication user, Model model) {
        RankingTaskView task = work.revisable(leaseId, user.getName());
        model.addAttribute("task", task);
        model.addAttribute("entered", task.draft());
        model.addAttribute("fieldErrors", Map.of());
        return "ranking/task";
    }

    @PostMapping("/labeler/rankings/{leaseId}/revise")
    String revise(
            @PathVariable long leaseId,
            @RequestParam MultiValueMap<String, String> form,
            Authentication user,
            Model model,
            RedirectAttributes flash,
            HttpServletResponse response) {
        try {
            work.revise(leaseId, user.getName(), parse(form));
        } catch (InvalidRankingException | ResponseStatusException e) {
            if (e instanceof ResponseStatusException status
                    && status.getStatusCode().value() == 404) {
                throw status;
            }
            // The page again with everything as entered and the reason (a used ranking: 409).
            RankingTaskView task = work.revisable(leaseId, user.getName());
            boolean invalid = e instanceof InvalidRankingException;
            response.setStatus(invalid ? HttpServletResponse.SC_BAD_REQUEST : HttpServletResponse.SC_CONFLICT);
            String message = invalid ? e.getMessage() : ((ResponseStatusException) e).getReason();
            String field = invalid ? ((InvalidRankingException) e).field() : null;
            model.addAttribute("task", task);
            model.addAttribute(
                    "entered",
                    EnteredRanking.from(
                            form,
                            task.outputs().stream()
                                    .map(RankingTaskView.Output::candidateId)
                                    .toList()));
            model.addAttribute("error", message);
            model.addAttribute("fieldErrors", field == null ? Map.of() : Map.of(field, message));
            return "ranking/task";
        }
        flash.addFlashAttribute("notice", "Ranking revised; the earlier version stays in your history.");
        return "redirect:/labeler/history";
    }

    static RankingSubmission parse(MultiValueMap<String, String> form) {
        Map<Long, Integer> ranks = new HashMap<>();
        Map<Long, Integer> likert = new HashMap<>();
        Map<Long, Set<MetadataFlag>> flags = new HashMap<>();
        for (Map.Entry<String, List<String>> field : form.entrySet()) {
            String name = field.getKey();
            String value = field.getValue().isEmpty() ? "" : field.getValue().get(0);
            if (name.startsWith("rank_") && !value.isBlank()) {
                long id = idOf(name);
                ranks.put(id, wholeNumber(value, () -> InvalidRankingException.badRank(id, value, 0)));
            } else if (name.startsWith("likert_") && !value.isBlank()) {
                long id = idOf(name);
                likert.put(id, wholeNumber(value, () -> InvalidRankingException.badScore(id, value)));
            } else if (name.startsWith("flag_")) {
                Set<MetadataFlag> set = flags.computeIfAbsent(idOf(name), id -> EnumSet.noneOf(MetadataFlag.class));
                for (String flag : field.getValue()) {
                    try {
                        set.add(MetadataFlag.valueOf(flag));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRankingException("Unknown label " + flag);
                    }
                }
            }
        }
        String duration = form.getFirst("durationMs");
        return new RankingSubmission(
                ranks,
                likert,
                flags,
                "true".equals(form.getFirst("notRankable")),
                form.getFirst("reason"),
                duration == null || duration.isBlank()
                        ? null
                        : (long) wholeNumber(
                                duration, () -> new InvalidRankingException("Not a number for duration: " + duration)));
    }

    private static long idOf(String fieldName) {
        String id = fieldName.substring(fieldName.indexOf('_') + 1);
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new InvalidRankingException("Not an output id: " + id);
        }
    }

    /** A whole number as the page's selects send it: "1.5" is refused, never truncated. */
    private static int wholeNumber(String text, Supplier<InvalidRankingException> refusal) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw refusal.get();
        }
    }
}
