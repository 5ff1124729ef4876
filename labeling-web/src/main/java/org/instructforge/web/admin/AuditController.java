package org.instructforge.web.admin;

import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import org.instructforge.web.audit.AuditSearch;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The whole audit log for admins: paged, filtered by person, action and days. */
@Controller
class AuditController {

    private final AuditSearch audit;

    AuditController(AuditSearch audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/audit")
    String log(
            @RequestParam(required = false) String person,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(defaultValue = "1") int page,
            Model model,
            HttpServletResponse response) {
        model.addAttribute("person", person);
        model.addAttribute("action", action);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("actions", audit.actions());
        try {
            model.addAttribute("log", audit.search(new AuditSearch.Filter(person, action, from, to, page)));
        } catch (AuditSearch.InvalidFilterException e) {
            response.setStatus(400);
            model.addAttribute("error", e.getMessage());
        }
        return "admin/audit";
    }
}
