package org.instructforge.web.pii;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/** The admin's PII review queue: each detection highlighted in its prompt, to accept, edit or reject. */
@Controller
@RequestMapping("/admin/pii")
class PiiReviewController {

    private final PiiReview review;

    PiiReviewController(PiiReview review) {
        this.review = review;
    }

    @GetMapping
    String queue(
            @RequestParam(required = false) Long dataset, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("dataset", dataset);
        model.addAttribute("page", page);
        model.addAttribute("pending", review.pendingCount(dataset));
        model.addAttribute("items", review.pending(dataset, page));
        return "pii/queue";
    }

    @PostMapping("/detections/{id}")
    String decide(
            @PathVariable long id,
            @RequestParam ReviewDecision decision,
            @RequestParam(required = false) String replacement,
            @RequestParam(required = false) Long dataset,
            Authentication user) {
        review.decide(id, decision, replacement, user.getName());
        return backToQueue(dataset);
    }

    @PostMapping("/prompts/{promptId}/accept-all")
    String acceptAll(@PathVariable long promptId, @RequestParam(required = false) Long dataset, Authentication user) {
        review.acceptAll(promptId, user.getName());
        return backToQueue(dataset);
    }

    private static String backToQueue(Long dataset) {
        return "redirect:"
                + UriComponentsBuilder.fromPath("/admin/pii")
                        .queryParamIfPresent("dataset", java.util.Optional.ofNullable(dataset))
                        .toUriString();
    }
}
