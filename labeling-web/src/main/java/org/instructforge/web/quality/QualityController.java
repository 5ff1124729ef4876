package org.instructforge.web.quality;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The admin's label-quality page and its JSON twin. */
@Controller
class QualityController {

    private final LabelQuality quality;

    QualityController(LabelQuality quality) {
        this.quality = quality;
    }

    @GetMapping("/admin/quality")
    String page(Model model) {
        model.addAttribute("report", quality.report());
        return "quality/report";
    }

    @GetMapping("/api/admin/quality")
    @ResponseBody
    QualityReport api() {
        return quality.report();
    }
}
