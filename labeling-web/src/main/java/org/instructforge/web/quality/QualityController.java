package org.instructforge.web.quality;

import org.instructforge.web.team.Teams;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** The admin's label-quality page and its JSON twin, over everyone or one team ({@code ?team=id}). */
@Controller
class QualityController {

    private final LabelQuality quality;
    private final Teams teams;

    QualityController(LabelQuality quality, Teams teams) {
        this.quality = quality;
        this.teams = teams;
    }

    @GetMapping("/admin/quality")
    String page(@RequestParam(defaultValue = "0") long team, Model model) {
        model.addAttribute("report", quality.report(checkedTeam(team)));
        model.addAttribute("teams", teams.all());
        model.addAttribute("team", team);
        return "quality/report";
    }

    @GetMapping("/api/admin/quality")
    @ResponseBody
    QualityReport api(@RequestParam(defaultValue = "0") long team) {
        return quality.report(checkedTeam(team));
    }

    /** An unknown team is "not found" rather than an empty report that looks like a team without labels. */
    private long checkedTeam(long team) {
        if (team != LabelQuality.ALL_TEAMS) {
            teams.team(team);
        }
        return team;
    }
}
