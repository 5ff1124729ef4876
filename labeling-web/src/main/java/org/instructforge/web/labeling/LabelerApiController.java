package org.instructforge.web.labeling;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The labeler's queue for scripts and simulated labelers: take the next task, look at it again, skip it. The
 * answers go to each kind's own endpoint ({@code /api/labeler/demonstrations|rankings|comparisons/{leaseId}}).
 */
@RestController
@LabelerApi
class LabelerApiController {

    /** Why the labeler skips: required, as on the pages. */
    record Skip(String reason) {}

    private final TaskQueue queue;
    private final Map<TaskKind, TaskContent> contents = new EnumMap<>(TaskKind.class);

    LabelerApiController(TaskQueue queue, List<TaskContent> contents) {
        this.queue = queue;
        contents.forEach(content -> this.contents.put(content.kind(), content));
    }

    @GetMapping("/api/labeler/queue")
    TaskQueue.Summary queue(Authentication authentication) {
        return queue.summaryFor(authentication.getName());
    }

    /** The tasks the labeler holds, the one expiring first on top. */
    @GetMapping("/api/labeler/tasks")
    List<TaskQueue.HeldTask> held(Authentication authentication) {
        return queue.heldBy(authentication.getName());
    }

    /** 200 with a task the labeler already holds or a newly leased one, or 204 when nothing of this kind waits for the labeler. */
    @PostMapping("/api/labeler/tasks/next")
    ResponseEntity<ApiTask> next(@RequestParam TaskKind kind, Authentication user) {
        return queue.next(user.getName(), kind)
                .map(lease -> ResponseEntity.ok(contents.get(kind).describe(lease.id(), user.getName())))
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @GetMapping("/api/labeler/tasks/{leaseId}")
    ApiTask task(@PathVariable long leaseId, Authentication user) {
        Lease lease = queue.leaseOf(leaseId, user.getName());
        return contents.get(lease.kind()).describe(leaseId, user.getName());
    }

    /** Gives a held task back (no reason needed); 204, also when it was given back already. */
    @PostMapping("/api/labeler/tasks/{leaseId}/release")
    ResponseEntity<Void> release(@PathVariable long leaseId, Authentication user) {
        queue.release(leaseId, user.getName());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/labeler/tasks/{leaseId}/skip")
    ResponseEntity<Void> skip(@PathVariable long leaseId, @RequestBody Skip skip, Authentication user) {
        queue.skip(leaseId, user.getName(), skip.reason());
        return ResponseEntity.noContent().build();
    }
}
