package org.instructforge.web.ranking;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.instructforge.web.labeling.LabelerApi;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Submits a ranking through the labeler API; {@link Ranking#submit} checks it exactly as it checks the page's. */
@RestController
@LabelerApi
class RankingApiController {

    /**
     * The JSON twin of the page's form, keyed by candidate id: {@code {"ranks": {"12": 1, ...}, "likert": {...},
     * "flags": {"12": ["HALLUCINATION"]}, "notRankable": false, "reason": null, "durationMs": 5000}}; every field
     * may be left out. Ranks and scores are read as any JSON number, so that 1.5 is refused rather than truncated
     * to 1 (Jackson's default for an int).
     */
    record Body(
            Map<Long, Number> ranks,
            Map<Long, Number> likert,
            Map<Long, Set<MetadataFlag>> flags,
            Boolean notRankable,
            String reason,
            Long durationMs) {

        RankingSubmission submission() {
            return new RankingSubmission(
                    wholeNumbers(ranks, (id, value) -> InvalidRankingException.badRank(id, value, 0)),
                    wholeNumbers(likert, InvalidRankingException::badScore),
                    flags == null ? Map.of() : flags,
                    Boolean.TRUE.equals(notRankable),
                    reason,
                    durationMs);
        }

        private static Map<Long, Integer> wholeNumbers(
                Map<Long, Number> values, BiFunction<Long, Number, InvalidRankingException> refusal) {
            Map<Long, Integer> whole = new HashMap<>();
            if (values != null) {
                values.forEach((id, value) -> {
                    if (value instanceof Integer number) {
                        whole.put(id, number);
                    } else if (value != null) {
                        throw refusal.apply(id, value);
                    }
                });
            }
            return whole;
        }
    }

    private final RankingWork work;

    RankingApiController(RankingWork work) {
        this.work = work;
    }

    /** 204 once stored; a second submit of the same task stores nothing more and answers the same. */
    @PostMapping("/api/labeler/rankings/{leaseId}")
    ResponseEntity<Void> submit(@PathVariable long leaseId, @RequestBody Body body, Authentication user) {
        work.submit(leaseId, user.getName(), body.submission());
        return ResponseEntity.noContent().build();
    }
}
