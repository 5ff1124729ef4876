package org.instructforge.web.training;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The ML engineer's home: the training service's state, runs and checkpoints. */
@Controller
class EngineerHomeController {

    private final TrainingOverview overview;
    private final TrainingServiceStatus serviceStatus;

    EngineerHomeController(TrainingOverview overview, TrainingServiceStatus serviceStatus) {
        this.overview = overview;
        this.serviceStatus = serviceStatus;
    }

    @GetMapping("/engineer")
    String home(Model model) {
        model.addAttribute("service", serviceStatus.check());
        model.addAttribute("runs", overview.recentRuns());
        model.addAttribute("checkpoints", overview.checkpoints());
        return "engineer/home";
    }
}
