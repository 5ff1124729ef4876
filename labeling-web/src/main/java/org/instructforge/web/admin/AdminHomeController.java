package org.instructforge.web.admin;

import org.instructforge.web.account.Accounts;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.dataset.Datasets;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The admin's home: prompt datasets, people, and the latest audit log lines. */
@Controller
class AdminHomeController {

    private static final int AUDIT_LINES = 20;

    private final Datasets datasets;
    private final Accounts accounts;
    private final AuditTrail audit;

    AdminHomeController(Datasets datasets, Accounts accounts, AuditTrail audit) {
        this.datasets = datasets;
        this.accounts = accounts;
        this.audit = audit;
    }

    @GetMapping("/admin")
    String home(Model model) {
        model.addAttribute("datasets", datasets.summaries());
        model.addAttribute("people", accounts.people());
        model.addAttribute("auditLines", audit.latest(AUDIT_LINES));
        return "admin/home";
    }
}
