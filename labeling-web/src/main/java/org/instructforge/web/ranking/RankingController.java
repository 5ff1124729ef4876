package org.instructforge.web.ranking;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The labeler's ranking page. Form fields: rank_ID, likert_ID, flag_ID (repeated), notRankable, reason. */
@Controller
class RankingController {

    private final RankingWork work;

    RankingController(RankingWork work) {
        this.work = work;
    }

    @GetMapping("/labeler/rankings/{leaseId}")
    String task(@PathVariable long leaseId, Authentication user, Model model) {
        model.addAttribute("task", work.task(leaseId, user.getName()));
        return "ranking/task";
    }

    @PostMapping("/labeler/rankings/{leaseId}")
    String submit(
            @PathVariable long leaseId,
            @RequestParam MultiValueMap<String, String> form,
            Authentication user,
            Model model) {
        try {
            work.submit(leaseId, user.getName(), parse(form));
        } catch (InvalidRankingException e) {
            model.addAttribute("task", work.task(leaseId, user.getName()));
            model.addAttribute("error", e.getMessage());
            model.addAttribute("form", form.toSingleValueMap());
            return "ranking/task";
        }
        return "redirect:/labeler/next?kind=RANKING";
    }

    static RankingSubmission parse(MultiValueMap<String, String> form) {
        Map<Long, Integer> ranks = new HashMap<>();
        Map<Long, Integer> likert = new HashMap<>();
        Map<Long, Set<MetadataFlag>> flags = new HashMap<>();
        for (Map.Entry<String, List<String>> field : form.entrySet()) {
            String name = field.getKey();
            String value = field.getValue().isEmpty() ? "" : field.getValue().get(0);
            if (name.startsWith("rank_") && !value.isBlank()) {
                ranks.put(idOf(name), number(value, "rank"));
            } else if (name.startsWith("likert_") && !value.isBlank()) {
                likert.put(idOf(name), number(value, "Likert score"));
            } else if (name.startsWith("flag_")) {
                Set<MetadataFlag> set = flags.computeIfAbsent(idOf(name), id -> EnumSet.noneOf(MetadataFlag.class));
                for (String flag : field.getValue()) {
                    try {
                        set.add(MetadataFlag.valueOf(flag));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRankingException("Unknown label " + flag);
                    }
                }
            }
        }
        String duration = form.getFirst("durationMs");
        return new RankingSubmission(
                ranks,
                likert,
                flags,
                "true".equals(form.getFirst("notRankable")),
                form.getFirst("reason"),
                duration == null || duration.isBlank() ? null : (long) number(duration, "duration"));
    }

    private static long idOf(String fieldName) {
        return number(fieldName.substring(fieldName.indexOf('_') + 1), "output id");
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRankingException("Not a number for " + what + ": " + text);
        }
    }
}
