package org.instructforge.web.demonstration;

import org.instructforge.web.labeling.LabelerApi;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Submits a demonstration through the labeler API, checked exactly as the page's form is. */
@RestController
@LabelerApi
class DemonstrationApiController {

    private final DemonstrationWork work;

    DemonstrationApiController(DemonstrationWork work) {
        this.work = work;
    }

    /** 204 once stored; a second submit of the same task changes nothing and answers the same. */
    @PostMapping("/api/labeler/demonstrations/{leaseId}")
    ResponseEntity<Void> submit(
            @PathVariable long leaseId, @RequestBody DemonstrationForm answer, Authentication user) {
        work.submit(leaseId, user.getName(), answer.text());
        return ResponseEntity.noContent().build();
    }

    /** Revises a submitted demonstration: 204, 409 once a training run has used it, 404 for another's. */
    @PostMapping("/api/labeler/history/demonstrations/{id}")
    ResponseEntity<Void> revise(@PathVariable long id, @RequestBody DemonstrationForm answer, Authentication user) {
        work.revise(id, user.getName(), answer.text());
        return ResponseEntity.noContent().build();
    }
}
