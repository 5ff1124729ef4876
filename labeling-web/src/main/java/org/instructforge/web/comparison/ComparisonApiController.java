package org.instructforge.web.comparison;

import org.instructforge.web.labeling.LabelerApi;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Submits a comparison through the labeler API: {@code {"preferred": "LEFT"|"RIGHT"|"TIE"|"BOTH_BAD",
 * "likertLeft": 1..7, "likertRight": 1..7}}, in the sides {@code next} returned.
 */
@RestController
@LabelerApi
class ComparisonApiController {

    private final ComparisonWork work;

    ComparisonApiController(ComparisonWork work) {
        this.work = work;
    }

    /** 204 once stored; a second submit of the same task stores nothing more and answers the same. */
    @PostMapping("/api/labeler/comparisons/{leaseId}")
    ResponseEntity<Void> submit(
            @PathVariable long leaseId, @RequestBody ComparisonSubmission answer, Authentication user) {
        work.submit(leaseId, user.getName(), answer);
        return ResponseEntity.noContent().build();
    }
}
