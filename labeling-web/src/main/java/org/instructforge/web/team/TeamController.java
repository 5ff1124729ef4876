package org.instructforge.web.team;

import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admins' team pages: the list with a form for a new team, and one team's members and datasets. */
@Controller
class TeamController {

    private final Teams teams;

    TeamController(Teams teams) {
        this.teams = teams;
    }

    @GetMapping("/admin/teams")
    String list(Model model) {
        model.addAttribute("teams", teams.overview());
        return "team/teams";
    }

    @PostMapping("/admin/teams")
    String create(
            @RequestParam(required = false) String name, Authentication user, Model model, RedirectAttributes flash) {
        try {
            TeamRef team = teams.create(name, user.getName());
            flash.addFlashAttribute("notice", "Team created: choose its labelers and datasets.");
            return "redirect:/admin/teams/" + team.id();
        } catch (InvalidTeamException e) {
            model.addAttribute("nameError", e.getMessage());
            model.addAttribute("name", name);
            return list(model);
        }
    }

    @GetMapping("/admin/teams/{id}")
    String team(@PathVariable long id, Model model) {
        model.addAttribute("team", teams.team(id));
        model.addAttribute("labelers", teams.labelers());
        model.addAttribute("datasets", teams.datasets());
        return "team/team";
    }

    @PostMapping("/admin/teams/{id}/members")
    String members(
            @PathVariable long id,
            @RequestParam(name = "member", required = false) List<Long> members,
            Authentication user,
            RedirectAttributes flash) {
        teams.changeMembers(id, members == null ? List.of() : members, user.getName());
        flash.addFlashAttribute("notice", "Members saved.");
        return "redirect:/admin/teams/" + id;
    }

    @PostMapping("/admin/teams/{id}/datasets")
    String datasets(
            @PathVariable long id,
            @RequestParam(name = "dataset", required = false) List<Long> datasets,
            Authentication user,
            RedirectAttributes flash) {
        teams.changeDatasets(id, datasets == null ? List.of() : datasets, user.getName());
        flash.addFlashAttribute(
                "notice",
                "Datasets saved: their tasks are offered only to the labelers of the teams they are given to.");
        return "redirect:/admin/teams/" + id;
    }
}
