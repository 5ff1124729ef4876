package org.instructforge.web.training;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Runs and checkpoints over the API (HTTP Basic), for scripts and {@code forge run}. Errors answer
 * {@code {"errors": {field: message}}}.
 */
@RestController
class EngineerApiController {

    private final TrainingOverview overview;
    private final RunRequests requests;
    private final RunDetails details;

    EngineerApiController(TrainingOverview overview, RunRequests requests, RunDetails details) {
        this.overview = overview;
        this.requests = requests;
        this.details = details;
    }

    @GetMapping("/api/engineer/runs")
    List<RunView> runs() {
        return overview.recentRuns();
    }

    /**
     * Queues a run: 201 with the run, or 200 with the run an earlier request with the same
     * {@code Idempotency-Key} made.
     */
    @PostMapping("/api/engineer/runs")
    ResponseEntity<RunDetail> request(
            @RequestBody RunRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            Authentication user) {
        RunRequests.Requested run = requests.request(request, user.getName(), idempotencyKey);
        RunDetail detail = details.detail(run.runId());
        return run.created()
                ? ResponseEntity.created(URI.create("/api/engineer/runs/" + run.runId()))
                        .body(detail)
                : ResponseEntity.ok(detail);
    }

    @GetMapping("/api/engineer/runs/{id}")
    RunDetail run(@PathVariable long id) {
        return details.detail(id);
    }

    /**
     * What is new since the cursors. Also under {@code /engineer}: the run page polls it with its session,
     * which the stateless API does not read.
     */
    @GetMapping({"/api/engineer/runs/{id}/live", "/engineer/runs/{id}/live"})
    RunLive live(
            @PathVariable long id,
            @RequestParam(required = false) Long afterMetric,
            @RequestParam(required = false) Long afterLog) {
        return details.live(id, afterMetric, afterLog);
    }

    @PostMapping("/api/engineer/runs/{id}/cancel")
    RunDetail cancel(@PathVariable long id, Authentication user) {
        requests.cancel(id, user.getName());
        return details.detail(id);
    }

    @GetMapping("/api/engineer/checkpoints")
    List<CheckpointView> checkpoints() {
        return overview.checkpoints();
    }

    /**
     * The API's documented error body for the statuses the services throw, an unknown run's 404 above all:
     * {@code {"error": message}}, not Spring's default error page body.
     */
    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<Map<String, String>> status(ResponseStatusException e) {
        return ResponseEntity.status(e.getStatusCode())
                .body(Map.of("error", e.getReason() == null ? e.getStatusCode().toString() : e.getReason()));
    }

    @ExceptionHandler(InvalidRunRequestException.class)
    ResponseEntity<Map<String, Map<String, String>>> invalid(InvalidRunRequestException e) {
        return ResponseEntity.badRequest().body(Map.of("errors", e.errors()));
    }

    @ExceptionHandler(RunFinishedException.class)
    ResponseEntity<Map<String, Map<String, String>>> finished(RunFinishedException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("errors", Map.of("status", e.getMessage())));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Map<String, String>>> unreadable(HttpMessageNotReadableException e) {
        String detail = e.getMostSpecificCause().getMessage();
        return ResponseEntity.badRequest()
                .body(Map.of(
                        "errors",
                        Map.of(
                                "body",
                                "not a run request as JSON: "
                                        + (detail == null
                                                ? "unreadable"
                                                : detail.lines().findFirst().orElse(detail)))));
    }
}
