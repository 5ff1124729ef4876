package org.instructforge.web.review;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The labeler's own reviews: what reviewers decided on their labels, with the reasons of rejections. */
@Controller
class MyReviewsController {

    private final Reviews reviews;

    MyReviewsController(Reviews reviews) {
        this.reviews = reviews;
    }

    @GetMapping("/labeler/reviews")
    String mine(Authentication user, Model model) {
        model.addAttribute("outcomes", reviews.outcomesFor(user.getName()));
        return "review/mine";
    }
}
