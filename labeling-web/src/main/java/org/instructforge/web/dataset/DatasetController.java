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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admins create, configure, archive and curate prompt datasets. */
@Controller
@RequestMapping("/admin/datasets")
class DatasetController {

    private final Datasets datasets;
    private final Curation curation;

    DatasetController(Datasets datasets, Curation curation) {
        this.datasets = datasets;
        this.curation = curation;
    }

    @GetMapping("/new")
    String newForm(Model model) {
        model.addAttribute("settings", DatasetSettings.defaults());
        return "dataset/form";
    }

    @PostMapping
    String create(
            @Valid @ModelAttribute("settings") DatasetSettings settings, BindingResult errors, Authentication user) {
        if (errors.hasErrors()) {
            return "dataset/form";
        }
        try {
            return "redirect:/admin/datasets/" + datasets.create(settings, user.getName());
        } catch (DuplicateDatasetNameException e) {
            errors.rejectValue("name", "dataset.name.taken");
            return "dataset/form";
        }
    }

    @GetMapping("/{id}")
    String show(@PathVariable long id, Model model) {
        model.addAttribute("dataset", datasets.detail(id));
        return "dataset/show";
    }

    @GetMapping("/{id}/edit")
    String editForm(@PathVariable long id, Model model) {
        model.addAttribute("datasetId", id);
        model.addAttribute("settings", datasets.detail(id).settings());
        return "dataset/form";
    }

    @PostMapping("/{id}")
    String update(
            @PathVariable long id,
            @Valid @ModelAttribute("settings") DatasetSettings settings,
            BindingResult errors,
            Authentication user,
            Model model) {
        model.addAttribute("datasetId", id);
        if (errors.hasErrors()) {
            return "dataset/form";
        }
        try {
            datasets.update(id, settings, user.getName());
            return "redirect:/admin/datasets/" + id;
        } catch (DuplicateDatasetNameException e) {
            errors.rejectValue("name", "dataset.name.taken");
            return "dataset/form";
        }
    }

    @PostMapping("/{id}/archive")
    String archive(@PathVariable long id, @RequestParam boolean archived, Authentication user) {
        datasets.archive(id, archived, user.getName());
        return "redirect:/admin/datasets/" + id;
    }

    @PostMapping("/{id}/curate")
    String curate(@PathVariable long id, Authentication user, RedirectAttributes flash) {
        flash.addFlashAttribute("curation", curation.curate(id, user.getName()));
        return "redirect:/admin/datasets/" + id;
    }
}
