package org.instructforge.web.dataset;

import jakarta.validation.Valid;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Admins browse and search a dataset's prompts, and retire the ones that should not be sampled. */
@Controller
class PromptController {

    private final Datasets datasets;
    private final PromptBrowser browser;
    private final PromptEditing editing;

    PromptController(Datasets datasets, PromptBrowser browser, PromptEditing editing) {
        this.datasets = datasets;
        this.browser = browser;
        this.editing = editing;
    }

    @GetMapping("/admin/datasets/{id}/prompts")
    String browse(@PathVariable long id, @ModelAttribute("filter") PromptFilter filter, Model model) {
        model.addAttribute("dataset", datasets.detail(id));
        model.addAttribute("results", browser.search(id, filter));
        return "dataset/prompts";
    }

    @GetMapping("/admin/prompts/{promptId}/edit")
    String editForm(@PathVariable long promptId, Model model) {
        model.addAttribute("promptId", promptId);
        model.addAttribute("edit", editing.current(promptId));
        return "dataset/prompt-edit";
    }

    @PostMapping("/admin/prompts/{promptId}")
    String edit(
            @PathVariable long promptId,
            @Valid @ModelAttribute("edit") PromptEdit edit,
            BindingResult errors,
            Authentication user,
            Model model) {
        if (errors.hasErrors()) {
            model.addAttribute("promptId", promptId);
            return "dataset/prompt-edit";
        }
        long datasetId = editing.edit(promptId, edit, user.getName());
        return "redirect:/admin/datasets/" + datasetId + "/prompts";
    }

    @PostMapping("/admin/prompts/{promptId}/retire")
    String retire(
            @PathVariable long promptId, @RequestParam(defaultValue = "true") boolean retired, Authentication user) {
        long datasetId = editing.retire(promptId, retired, user.getName());
        return "redirect:/admin/datasets/" + datasetId + "/prompts";
    }
}
