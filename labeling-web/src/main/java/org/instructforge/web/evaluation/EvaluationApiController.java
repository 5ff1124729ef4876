package org.instructforge.web.evaluation;

import java.net.URI;
import org.instructforge.web.round.CreatedRound;
import org.instructforge.web.round.InvalidRoundException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Evaluations over the API: start a round, read one round's results, or everything (ratings, label rates). */
@RestController
class EvaluationApiController {

    private final Evaluations evaluations;

    EvaluationApiController(Evaluations evaluations) {
        this.evaluations = evaluations;
    }

    @GetMapping("/api/engineer/evaluations")
    EvaluationOverview overview() {
        return evaluations.overview();
    }

    @PostMapping("/api/engineer/evaluations")
    ResponseEntity<CreatedRound> create(@RequestBody EvaluationForm form, Authentication user) {
        CreatedRound round = evaluations.create(form, user.getName());
        return ResponseEntity.created(URI.create("/api/engineer/evaluations/" + round.roundId()))
                .body(round);
    }

    @GetMapping("/api/engineer/evaluations/{roundId}")
    RoundResult round(@PathVariable long roundId) {
        return evaluations.round(roundId);
    }

    @ExceptionHandler(InvalidRoundException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRoundException e) {
        return ResponseEntity.badRequest().body(e.problem());
    }
}
