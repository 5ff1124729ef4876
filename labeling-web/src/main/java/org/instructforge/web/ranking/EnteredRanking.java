package org.instructforge.web.ranking;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.util.MultiValueMap;

/**
 * What a labeler has entered on the ranking page, as the form sent it and before it is checked: the page shows it
 * again after a refused submit, and it is the ranking's draft. Values are kept as text, so a refused "1.5" is
 * kept as it was sent; only fields of the task's own outputs are kept.
 *
 * @param ranks rank per candidate id, as entered ("" or absent: none yet)
 * @param likert 1-7 score per candidate id, as entered
 * @param flags metadata flag names per candidate id
 */
public record EnteredRanking(
        Map<Long, String> ranks,
        Map<Long, String> likert,
        Map<Long, Set<String>> flags,
        boolean notRankable,
        String reason) {

    static final EnteredRanking NOTHING = new EnteredRanking(Map.of(), Map.of(), Map.of(), false, "");

    /** The page's reason field takes this many characters. */
    private static final int MAX_REASON = 500;
    /** A select sends a digit; anything much longer is not a value the page could have sent. */
    private static final int MAX_VALUE = 12;

    /** The page's fields (rank_ID, likert_ID, flag_ID repeated, notRankable, reason) for these outputs. */
    static EnteredRanking from(MultiValueMap<String, String> form, Collection<Long> candidateIds) {
        Map<Long, String> ranks = new HashMap<>();
        Map<Long, String> likert = new HashMap<>();
        Map<Long, Set<String>> flags = new HashMap<>();
        for (long id : candidateIds) {
            put(ranks, id, form.getFirst("rank_" + id));
            put(likert, id, form.getFirst("likert_" + id));
            List<String> set = form.getOrDefault("flag_" + id, List.of());
            if (!set.isEmpty()) {
                flags.put(
                        id,
                        new TreeSet<>(
                                set.stream().filter(EnteredRanking::isFlag).toList()));
            }
        }
        String reason = form.getFirst("reason");
        return new EnteredRanking(
                ranks,
                likert,
                flags,
                "true".equals(form.getFirst("notRankable")),
                reason == null ? "" : reason.substring(0, Math.min(reason.length(), MAX_REASON)));
    }

    private static void put(Map<Long, String> values, long id, String value) {
        if (value != null && !value.isBlank()) {
            values.put(id, value.strip().substring(0, Math.min(value.strip().length(), MAX_VALUE)));
        }
    }

    private static boolean isFlag(String name) {
        try {
            MetadataFlag.valueOf(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The rank entered for this output, "" when none. */
    public String rank(long candidateId) {
        return ranks.getOrDefault(candidateId, "");
    }

    /** The Likert score entered for this output, "" when none. */
    public String likert(long candidateId) {
        return likert.getOrDefault(candidateId, "");
    }

    public boolean flagged(long candidateId, MetadataFlag flag) {
        return flags.getOrDefault(candidateId, Set.of()).contains(flag.name());
    }
}
