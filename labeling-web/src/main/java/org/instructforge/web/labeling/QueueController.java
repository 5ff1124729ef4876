package org.instructforge.web.labeling;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** "Next task" and "skip" for labelers in the browser. */
@Controller
class QueueController {

    private final TaskQueue queue;

    QueueController(TaskQueue queue) {
        this.queue = queue;
    }

    @GetMapping("/labeler/next")
    String next(@RequestParam TaskKind kind, Authentication user, RedirectAttributes flash) {
        return queue.claimNext(user.getName(), kind)
                .map(QueueController::pageOf)
                .orElseGet(() -> {
                    flash.addFlashAttribute("notice", "No " + kind.name().toLowerCase() + " task is waiting for you.");
                    return "redirect:/labeler";
                });
    }

    @PostMapping("/labeler/tasks/{leaseId}/skip")
    String skip(
            @PathVariable long leaseId,
            @RequestParam(required = false) String reason,
            Authentication user,
            RedirectAttributes flash) {
        Lease lease = queue.leaseOf(leaseId, user.getName());
        queue.skip(leaseId, user.getName(), reason);
        flash.addFlashAttribute("notice", "Skipped. Here is the next task.");
        return "redirect:/labeler/next?kind=" + lease.kind();
    }

    static String pageOf(Lease lease) {
        return switch (lease.kind()) {
            case DEMONSTRATION -> "redirect:/labeler/demonstrations/" + lease.id();
            case RANKING -> "redirect:/labeler/rankings/" + lease.id();
            case COMPARISON -> "redirect:/labeler/comparisons/" + lease.id();
        };
    }
}
