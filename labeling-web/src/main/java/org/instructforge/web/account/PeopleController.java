package org.instructforge.web.account;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admins disable people and exclude a labeler's labels, from the quality page. */
@Controller
class PeopleController {

    private final Accounts accounts;

    PeopleController(Accounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/admin/people/{id}/access")
    String access(@PathVariable long id, @RequestParam boolean enabled, Authentication user, RedirectAttributes flash) {
        accounts.changeAccess(id, enabled, user.getName());
        flash.addFlashAttribute(
                "notice",
                enabled
                        ? "Account enabled."
                        : "Account disabled: it can no longer sign in, and its open sessions have ended.");
        return "redirect:/admin/quality";
    }

    @PostMapping("/admin/people/{id}/labels")
    String labels(
            @PathVariable long id, @RequestParam boolean excluded, Authentication user, RedirectAttributes flash) {
        accounts.excludeLabels(id, excluded, user.getName());
        flash.addFlashAttribute(
                "notice",
                excluded
                        ? "Labels excluded from exports, training data and agreement figures."
                        : "Labels included again.");
        return "redirect:/admin/quality";
    }
}
