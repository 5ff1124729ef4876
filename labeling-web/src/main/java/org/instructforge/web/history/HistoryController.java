package org.instructforge.web.history;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The labeler's history: what they submitted, newest first, with search, paging and "revise". */
@Controller
class HistoryController {

    private final LabelHistory history;

    HistoryController(LabelHistory history) {
        this.history = history;
    }

    @GetMapping("/labeler/history")
    String history(
            @RequestParam(defaultValue = "") String q,
            @RequestParam(defaultValue = "0") int page,
            Authentication user,
            Model model) {
        model.addAttribute("history", history.page(user.getName(), q, page));
        return "history/list";
    }
}
