package org.instructforge.web.review;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.instructforge.web.review.Reviews.Decision;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The reviewer's pages: the queue, and one page per demonstration or ranking with its decision form. */
@Controller
class ReviewController {

    private final Reviews reviews;

    ReviewController(Reviews reviews) {
        this.reviews = reviews;
    }

    @GetMapping("/review")
    String queue(Authentication user, Model model) {
        model.addAttribute("items", reviews.queue(user.getName()));
        return "review/queue";
    }

    @GetMapping("/review/demonstrations/{id}")
    String demonstration(@PathVariable long id, Authentication user, Model model) {
        model.addAttribute("review", reviews.demonstration(id, user.getName()));
        return "review/demonstration";
    }

    @PostMapping("/review/demonstrations/{id}")
    String decideDemonstration(
            @PathVariable long id,
            @RequestParam String decision,
            @RequestParam(required = false) String text,
            @RequestParam(required = false) String reason,
            Authentication user,
            Model model,
            HttpServletResponse response,
            RedirectAttributes flash) {
        model.addAttribute("typedText", text);
        return decide(
                decision,
                "Demonstration",
                chosen -> reviews.decideDemonstration(id, user.getName(), chosen, text, reason),
                () -> demonstration(id, user, model),
                reason,
                model,
                response,
                flash);
    }

    @GetMapping("/review/rankings/{id}")
    String ranking(@PathVariable long id, Authentication user, Model model) {
        model.addAttribute("review", reviews.ranking(id, user.getName()));
        return "review/ranking";
    }

    @PostMapping("/review/rankings/{id}")
    String decideRanking(
            @PathVariable long id,
            @RequestParam String decision,
            @RequestParam(required = false) String reason,
            Authentication user,
            Model model,
            HttpServletResponse response,
            RedirectAttributes flash) {
        return decide(
                decision,
                "Ranking",
                chosen -> reviews.decideRanking(id, user.getName(), chosen, reason),
                () -> ranking(id, user, model),
                reason,
                model,
                response,
                flash);
    }

    /**
     * Applies the decision and goes back to the queue with a notice; a decision to correct (a blank reason, say) shows
     * the label's page again with the message and what was typed, answered 400.
     */
    private String decide(
            String decision,
            String what,
            Consumer<Decision> apply,
            Supplier<String> page,
            String reason,
            Model model,
            HttpServletResponse response,
            RedirectAttributes flash) {
        try {
            Decision chosen = decision(decision);
            apply.accept(chosen);
            flash.addFlashAttribute("notice", notice(chosen, what));
            return "redirect:/review";
        } catch (Reviews.InvalidDecisionException e) {
            response.setStatus(400);
            model.addAttribute("error", e.getMessage());
            model.addAttribute("typedReason", reason);
            return page.get();
        }
    }

    private static Decision decision(String value) {
        try {
            return Decision.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Reviews.InvalidDecisionException("Choose accept, edit or reject, not " + value + ".");
        }
    }

    private static String notice(Decision decision, String what) {
        return switch (decision) {
            case ACCEPT -> what + " accepted.";
            case EDIT -> what + " accepted with your edit; the edit is what training reads.";
            case REJECT -> what + " rejected; its author sees your reason, and the item asks for a new label.";
        };
    }
}
