package org.instructforge.web.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunStatus;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.instructforge.shared.run.RunInputs;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.checkpoint.CheckpointRef;
import org.instructforge.web.checkpoint.CheckpointShape;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The engineer's run pages: request a run, watch it, cancel it. */
@Controller
class RunController {

    private final RunRequests requests;
    private final RunDetails details;
    private final RunChoices choices;
    private final CheckpointCatalog checkpoints;

    RunController(RunRequests requests, RunDetails details, RunChoices choices, CheckpointCatalog checkpoints) {
        this.requests = requests;
        this.details = details;
        this.choices = choices;
        this.checkpoints = checkpoints;
    }

    @GetMapping("/engineer/runs/new")
    String newForm(@RequestParam(defaultValue = "SFT") String type, Model model) {
        RunType runType = requestable(type);
        // A fresh one-time token per form: submitting the same form twice makes one run.
        return form(
                RunRequest.blank(runType), runType, Map.of(), UUID.randomUUID().toString(), model);
    }

    @PostMapping("/engineer/runs/new")
    String create(
            @ModelAttribute("form") RunRequest form,
            BindingResult binding,
            @RequestParam(required = false) String requestKey,
            @RequestParam(required = false) String preview,
            Authentication user,
            Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        if ("true".equals(preview)) {
            // "Estimate memory": the form again with the estimate for these settings; nothing is queued.
            requests.estimate(form).flatMap(requests::tooLarge).ifPresent(problem -> errors.put("memory", problem));
            return form(form, requestable(form.type()), errors, requestKey, model);
        }
        // A field that did not even bind (letters in a checkpoint id) is reported like any other wrong field.
        binding.getFieldErrors()
                .forEach(e -> errors.put(
                        e.getField().replaceAll("\\[(\\d+)]$", ""),
                        "'" + e.getRejectedValue() + "' is not a valid value"));
        if (errors.isEmpty()) {
            try {
                return "redirect:/engineer/runs/"
                        + requests.request(form, user.getName(), requestKey).runId();
            } catch (InvalidRunRequestException e) {
                errors.putAll(e.errors());
            }
        }
        return form(form, requestable(form.type()), errors, requestKey, model);
    }

    @GetMapping("/engineer/runs/{id}")
    String show(@PathVariable long id, Model model) {
        model.addAttribute("run", details.detail(id));
        return "engineer/run";
    }

    @PostMapping("/engineer/runs/{id}/cancel")
    String cancel(@PathVariable long id, Authentication user, RedirectAttributes flash) {
        try {
            RunStatus now = requests.cancel(id, user.getName());
            flash.addFlashAttribute(
                    "notice",
                    now == RunStatus.CANCELLED
                            ? "Run cancelled before it started."
                            : "Cancel requested: the worker stops the run at its next step.");
        } catch (RunFinishedException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/engineer/runs/" + id;
    }

    private String form(RunRequest form, RunType type, Map<String, String> errors, String requestKey, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("type", type);
        model.addAttribute("types", RunRequests.REQUESTABLE);
        model.addAttribute("errors", errors);
        model.addAttribute("requestKey", requestKey);
        model.addAttribute("parameters", Hyperparameters.of(type));
        model.addAttribute("datasets", choices.activeDatasets());
        model.addAttribute("rounds", type.readsRankings() ? choices.rankingRounds() : List.of());
        // Every READY checkpoint of a start kind and a supported architecture, each with its architecture and size.
        List<CheckpointRef> starts = checkpoints.choices(RunInputs.startKinds(type));
        Map<Long, CheckpointShape> shapes =
                checkpoints.shapes(starts.stream().map(CheckpointRef::id).toList());
        model.addAttribute(
                "startCheckpoints",
                starts.stream().filter(c -> shapes.get(c.id()).supported()).toList());
        model.addAttribute("shapes", shapes);
        model.addAttribute("memory", requests.estimate(withType(form, type)).orElse(null));
        model.addAttribute(
                "largestWorker",
                requests.largestWorker().map(TrainingWorkers.Device::describe).orElse(null));
        model.addAttribute(
                "rewardCheckpoints",
                type == RunType.PPO ? checkpoints.choices(List.of(CheckpointKind.REWARD)) : List.of());
        return "engineer/run-form";
    }

    /** The form as the run type the page shows (a hand-edited type falls back like the page does). */
    private static RunRequest withType(RunRequest form, RunType type) {
        return new RunRequest(
                type.name(),
                form.name(),
                form.datasetIds(),
                form.roundIds(),
                form.includeAiFeedback(),
                form.startCheckpointId(),
                form.rewardCheckpointId(),
                form.hyperparameters(),
                form.executor());
    }

    /** The form's run type; anything else (a hand-edited URL) falls back to SFT rather than failing. */
    private static RunType requestable(String type) {
        try {
            RunType runType = RunType.valueOf(String.valueOf(type).trim().toUpperCase(Locale.ROOT));
            return RunRequests.REQUESTABLE.contains(runType) ? runType : RunType.SFT;
        } catch (IllegalArgumentException e) {
            return RunType.SFT;
        }
    }
}
