package org.instructforge.web.team;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Teams over the API, with the pages' rules; problems answer 400 with {@code {"errors": {field: message}}}. */
@RestController
class TeamApiController {

    record NewTeam(String name) {}

    record MemberIds(List<Long> userIds) {}

    record DatasetIds(List<Long> datasetIds) {}

    private final Teams teams;

    TeamApiController(Teams teams) {
        this.teams = teams;
    }

    @GetMapping("/api/admin/teams")
    List<Team> list() {
        return teams.overview();
    }

    @GetMapping("/api/admin/teams/{id}")
    Team team(@PathVariable long id) {
        return teams.team(id);
    }

    @PostMapping("/api/admin/teams")
    ResponseEntity<Team> create(@RequestBody NewTeam body, Authentication user) {
        TeamRef team = teams.create(body.name(), user.getName());
        return ResponseEntity.created(URI.create("/api/admin/teams/" + team.id()))
                .body(teams.team(team.id()));
    }

    @PutMapping("/api/admin/teams/{id}/members")
    Team members(@PathVariable long id, @RequestBody MemberIds body, Authentication user) {
        return teams.changeMembers(id, withoutNulls(body.userIds()), user.getName());
    }

    @PutMapping("/api/admin/teams/{id}/datasets")
    Team datasets(@PathVariable long id, @RequestBody DatasetIds body, Authentication user) {
        return teams.changeDatasets(id, withoutNulls(body.datasetIds()), user.getName());
    }

    private static List<Long> withoutNulls(List<Long> ids) {
        if (ids == null || ids.contains(null)) {
            throw new InvalidTeamException("give a list of ids (an empty list for none)");
        }
        return ids;
    }

    @ExceptionHandler(InvalidTeamException.class)
    ResponseEntity<Map<String, Map<String, String>>> invalid(InvalidTeamException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("errors", Map.of("team", e.getMessage())));
    }
}
