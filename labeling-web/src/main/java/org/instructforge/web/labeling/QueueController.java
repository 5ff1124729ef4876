package org.instructforge.web.labeling;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;

/** "Next task", "My tasks" and "skip" for labelers in the browser. */
@Controller
class QueueController {

    private final TaskQueue queue;

    QueueController(TaskQueue queue) {
        this.queue = queue;
    }

    @GetMapping("/labeler/next")
    View next(@RequestParam TaskKind kind, Authentication user, RedirectAttributes flash) {
        return queue.next(user.getName(), kind).map(QueueController::pageOf).orElseGet(() -> {
            flash.addFlashAttribute("notice", "No " + kind.label() + " task is waiting for you.");
            return new RedirectView("/labeler", true);
        });
    }

    /** The labeler's open leases: kind, the prompt's start, time left, a link back to each. */
    @GetMapping("/labeler/tasks")
    String myTasks(Authentication user, Model model) {
        model.addAttribute("tasks", queue.heldBy(user.getName()));
        return "labeler/tasks";
    }

    /** "Give back", from a task's page or from My tasks: the slot is free for others at once. */
    @PostMapping("/labeler/tasks/{leaseId}/release")
    String release(@PathVariable long leaseId, Authentication user, RedirectAttributes flash) {
        queue.release(leaseId, user.getName());
        flash.addFlashAttribute("notice", "Task given back: it is free for others now.");
        return "redirect:/labeler/tasks";
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

    /**
     * A view, not a "redirect:" name: view resolvers cache each name they see, under one lock, and every lease
     * has its own URL, so under load the names churned the cache and queued the labelers on its lock.
     */
    static View pageOf(Lease lease) {
        return new RedirectView(lease.kind().page() + lease.id(), true);
    }
}
