package org.instructforge.web.evaluation;

import java.util.Map;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.shared.run.RunInputs;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.ranking.MetadataFlag;
import org.instructforge.web.round.InvalidRoundException;
import org.instructforge.web.round.LabelRounds;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import tools.jackson.databind.json.JsonMapper;

/** The evaluation pages: new rounds, every round's win rate, ratings of all compared checkpoints, label charts. */
@Controller
class EvaluationController {

    private final Evaluations evaluations;
    private final CheckpointCatalog checkpoints;
    private final LabelRounds rounds;
    private final JsonMapper json;

    EvaluationController(Evaluations evaluations, CheckpointCatalog checkpoints, LabelRounds rounds, JsonMapper json) {
        this.evaluations = evaluations;
        this.checkpoints = checkpoints;
        this.rounds = rounds;
        this.json = json;
    }

    @GetMapping("/engineer/evaluations")
    String overview(Model model) {
        return overview(EvaluationForm.defaults(rounds.proposeName("evaluation")), Map.of(), model);
    }

    @PostMapping("/engineer/evaluations")
    String create(@ModelAttribute("form") EvaluationForm form, Authentication user, Model model) {
        try {
            return "redirect:/engineer/evaluations/"
                    + evaluations.create(form, user.getName()).roundId();
        } catch (InvalidRoundException e) {
            return overview(form, e.errors(), model);
        }
    }

    @GetMapping("/engineer/evaluations/{roundId}")
    String round(@PathVariable long roundId, Model model) {
        model.addAttribute("result", evaluations.round(roundId));
        return "evaluation/round";
    }

    private String overview(EvaluationForm form, Map<String, String> errors, Model model) {
        EvaluationOverview overview = evaluations.overview();
        model.addAttribute("overview", overview);
        model.addAttribute("flagChart", json.writeValueAsString(ChartData.flagRates(overview.labels())));
        model.addAttribute("likertChart", json.writeValueAsString(ChartData.likert(overview.labels())));
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("policies", checkpoints.choices(RunInputs.startKinds(RunType.EVALUATION)));
        model.addAttribute("judges", checkpoints.choices(Set.of(CheckpointKind.REWARD)));
        model.addAttribute("datasets", rounds.datasetChoices());
        model.addAttribute("samplingParameters", Hyperparameters.of(RunType.EVALUATION));
        model.addAttribute("flags", MetadataFlag.values());
        return "evaluation/overview";
    }
}
