package org.instructforge.web.round;

import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Demonstration rounds: engineers hand labelers a fixed set of fresh prompts to write answers for. */
@Controller
class RoundController {

    private final LabelRounds rounds;

    RoundController(LabelRounds rounds) {
        this.rounds = rounds;
    }

    @GetMapping("/engineer/rounds/demonstrations")
    String page(Model model) {
        return page(DemonstrationRoundForm.defaults(rounds.proposeName("demonstrations")), Map.of(), model);
    }

    @PostMapping("/engineer/rounds/demonstrations")
    String start(
            @ModelAttribute("form") DemonstrationRoundForm form,
            Authentication user,
            Model model,
            RedirectAttributes flash) {
        try {
            flash.addFlashAttribute("started", rounds.startDemonstrations(form, user.getName()));
            return "redirect:/engineer/rounds/demonstrations";
        } catch (InvalidRoundException e) {
            return page(form, e.errors(), model);
        }
    }

    private String page(DemonstrationRoundForm form, Map<String, String> errors, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("rounds", rounds.rounds("DEMONSTRATION"));
        model.addAttribute("datasets", rounds.datasetChoices());
        return "round/demonstration-rounds";
    }
}
