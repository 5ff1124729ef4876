package org.instructforge.web.labeling;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The labeler's home: their task queue and what they have done. */
@Controller
class LabelerHomeController {

    private final TaskQueue queue;
    private final Leaderboard leaderboard;

    LabelerHomeController(TaskQueue queue, Leaderboard leaderboard) {
        this.queue = queue;
        this.leaderboard = leaderboard;
    }

    @GetMapping("/labeler")
    String home(Authentication authentication, Model model) {
        model.addAttribute("queue", queue.summaryFor(authentication.getName()));
        model.addAttribute("mine", leaderboard.mine(authentication.getName()));
        model.addAttribute("leaders", leaderboard.week(authentication.getName()));
        return "labeler/home";
    }
}
