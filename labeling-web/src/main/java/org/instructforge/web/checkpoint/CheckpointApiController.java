package org.instructforge.web.checkpoint;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * One checkpoint over the API, for scripts and {@code forge}. The list is {@code GET /api/engineer/checkpoints} of
 * the training overview; downloads share {@link CheckpointController}'s handler; publishing and rounds are
 * {@code web.round}'s.
 */
@RestController
class CheckpointApiController {

    private final CheckpointCatalog catalog;

    CheckpointApiController(CheckpointCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/engineer/checkpoints/{id}")
    Checkpoint checkpoint(@PathVariable long id) {
        return catalog.ready(id);
    }
}
