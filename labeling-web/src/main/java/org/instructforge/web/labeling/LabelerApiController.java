package org.instructforge.web.labeling;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class LabelerApiController {

    private final TaskQueue queue;

    LabelerApiController(TaskQueue queue) {
        this.queue = queue;
    }

    @GetMapping("/api/labeler/queue")
    TaskQueue.Summary queue(Authentication authentication) {
        return queue.summaryFor(authentication.getName());
    }
}
