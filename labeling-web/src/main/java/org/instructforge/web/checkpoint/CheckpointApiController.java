package org.instructforge.web.checkpoint;

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

/**
 * Checkpoints and rounds over the API, for scripts and {@code forge}: one checkpoint, publishing (with the next
 * round), demonstration rounds. The list of checkpoints is {@code GET /api/engineer/checkpoints} of the training
 * overview; downloads share {@link CheckpointController}'s handler.
 */
@RestController
class CheckpointApiController {

    private final CheckpointRegistry registry;
    private final Publishing publishing;
    private final LabelRounds rounds;

    CheckpointApiController(CheckpointRegistry registry, Publishing publishing, LabelRounds rounds) {
        this.registry = registry;
        this.publishing = publishing;
        this.rounds = rounds;
    }

    @GetMapping("/api/engineer/checkpoints/{id}")
    Checkpoint checkpoint(@PathVariable long id) {
        return registry.ready(id);
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
