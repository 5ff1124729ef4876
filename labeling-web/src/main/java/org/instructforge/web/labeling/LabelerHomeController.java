package org.instructforge.web.labeling;

import java.util.List;
import org.instructforge.web.team.TeamRef;
import org.instructforge.web.team.Teams;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The labeler's home: their task queue, what they have done, and the week's leaderboard (of everyone or a team). */
@Controller
class LabelerHomeController {

    private final TaskQueue queue;
    private final Leaderboard leaderboard;
    private final Teams teams;

    LabelerHomeController(TaskQueue queue, Leaderboard leaderboard, Teams teams) {
        this.queue = queue;
        this.leaderboard = leaderboard;
        this.teams = teams;
    }

    /** {@code team}: one of the labeler's own teams to rank within; any other id shows everyone. */
    @GetMapping("/labeler")
    String home(@RequestParam(defaultValue = "0") long team, Authentication authentication, Model model) {
        List<TeamRef> myTeams = teams.teamsOf(authentication.getName());
        long shown = myTeams.stream().anyMatch(t -> t.id() == team) ? team : 0;
        model.addAttribute("queue", queue.summaryFor(authentication.getName()));
        model.addAttribute("waitingDatasets", queue.waitingDatasets(authentication.getName()));
        model.addAttribute("mine", leaderboard.mine(authentication.getName()));
        model.addAttribute("leaders", leaderboard.week(authentication.getName(), shown));
        model.addAttribute("myTeams", myTeams);
        model.addAttribute("team", shown);
        return "labeler/home";
    }
}
