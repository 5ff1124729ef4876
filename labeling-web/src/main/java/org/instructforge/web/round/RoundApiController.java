package org.instructforge.web.round;

import java.net.URI;
import java.util.List;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Rounds over the API, for scripts and {@code forge}: publishing (with the next round), demonstration rounds. */
@RestController
class RoundApiController {

    private final Publishing publishing;
    private final LabelRounds rounds;

    RoundApiController(Publishing publishing, LabelRounds rounds) {
        this.publishing = publishing;
        this.rounds = rounds;
    }

    /** Publishes; {@code {"nextRound": false}} publishes only, else the next round needs at least its dataset. */
    @PostMapping("/api/engineer/checkpoints/{id}/publish")
    Publishing.Published publish(@PathVariable long id, @RequestBody PublishForm form, Authentication user) {
        return publishing.publish(id, form, user.getName());
    }

    @GetMapping("/api/engineer/rounds/demonstrations")
    List<RoundSummary> demonstrationRounds() {
        return rounds.rounds("DEMONSTRATION");
    }

    @PostMapping("/api/engineer/rounds/demonstrations")
    ResponseEntity<CreatedRound> startDemonstrations(@RequestBody DemonstrationRoundForm form, Authentication user) {
        CreatedRound round = rounds.startDemonstrations(form, user.getName());
        return ResponseEntity.created(URI.create("/api/engineer/rounds/demonstrations"))
                .body(round);
    }

    @ExceptionHandler(InvalidRoundException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRoundException e) {
        return ResponseEntity.badRequest().body(e.problem());
    }
}
