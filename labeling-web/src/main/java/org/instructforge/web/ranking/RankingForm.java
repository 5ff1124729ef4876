package org.instructforge.web.ranking;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ranking page's form, bound by Spring MVC from its fields {@code ranks[ID]}, {@code likert[ID]},
 * {@code flags[ID]} (repeated), {@code notRankable}, {@code reason} and {@code durationMs}, ID being a candidate
 * id. Ranks and scores are kept as the page sent them (a select sends "" for none), so a refused value can be
 * checked and shown as text; Bean Validation checks that each is a whole number. What needs the task (every output
 * ranked, ranks within 1..K, no other task's output) is checked by {@link Ranking} when it is recorded.
 *
 * @param flags metadata flags per candidate id; an unknown flag name fails binding ({@code typeMismatch.flags})
 * @param durationMs time on the page, as the browser measured it (null when unknown)
 */
public record RankingForm(
        Map<Long, @Pattern(regexp = WHOLE_NUMBER, message = "{ranking.rank.whole}") String> ranks,
        Map<Long, @Pattern(regexp = "\\s*[1-7]?\\s*", message = "{ranking.likert.range}") String> likert,
        Map<Long, Set<MetadataFlag>> flags,
        Boolean notRankable,

        @Size(max = MAX_REASON, message = "{ranking.reason.size}")
        String reason,

        @PositiveOrZero(message = "{ranking.duration}") Long durationMs) {

    /** Blank (no rank yet) or digits; whether the number is within 1..K depends on the task. */
    static final String WHOLE_NUMBER = "\\s*[0-9]{0,9}\\s*";

    /** The page's reason field takes this many characters. */
    static final int MAX_REASON = 500;

    /** A select sends a digit; anything much longer is not a value the page could have sent. */
    private static final int MAX_VALUE = 12;

    public RankingForm {
        ranks = ranks == null ? Map.of() : ranks;
        likert = likert == null ? Map.of() : likert;
        flags = flags == null ? Map.of() : flags;
        notRankable = Boolean.TRUE.equals(notRankable);
        reason = reason == null ? "" : reason;
    }

    /** The page's form filled with a draft or a stored ranking. */
    static RankingForm of(EnteredRanking entered) {
        Map<Long, Set<MetadataFlag>> flags = new HashMap<>();
        entered.flags().forEach((id, names) -> flags.put(id, flagsNamed(names)));
        return new RankingForm(entered.ranks(), entered.likert(), flags, entered.notRankable(), entered.reason(), null);
    }

    /** The checked form as a submission: blank ranks and scores are absent, the others whole numbers. */
    RankingSubmission submission() {
        return new RankingSubmission(numbers(ranks), numbers(likert), flags, notRankable, reason, durationMs);
    }

    /**
     * What the labeler entered, kept as the task's draft: only fields of these (the task's own) outputs, values cut
     * to what the page could have sent, so a draft never grows beyond the page's form.
     */
    EnteredRanking entered(Collection<Long> candidateIds) {
        Map<Long, String> keptRanks = new HashMap<>();
        Map<Long, String> keptLikert = new HashMap<>();
        Map<Long, Set<String>> keptFlags = new HashMap<>();
        for (long id : candidateIds) {
            keep(keptRanks, id, ranks.get(id));
            keep(keptLikert, id, likert.get(id));
            Set<MetadataFlag> set = flags.get(id);
            if (set != null && !set.isEmpty()) {
                keptFlags.put(id, new TreeSet<>(set.stream().map(Enum::name).toList()));
            }
        }
        return new EnteredRanking(
                keptRanks,
                keptLikert,
                keptFlags,
                notRankable,
                reason.substring(0, Math.min(reason.length(), MAX_REASON)));
    }

    private static void keep(Map<Long, String> values, long id, String value) {
        if (value != null && !value.isBlank()) {
            String entered = value.strip();
            values.put(id, entered.substring(0, Math.min(entered.length(), MAX_VALUE)));
        }
    }

    /** Whole numbers of the non-blank values (checked against {@link #WHOLE_NUMBER} before). */
    private static Map<Long, Integer> numbers(Map<Long, String> values) {
        Map<Long, Integer> numbers = new HashMap<>();
        values.forEach((id, value) -> {
            if (value != null && !value.isBlank()) {
                numbers.put(id, Integer.parseInt(value.strip()));
            }
        });
        return numbers;
    }

    private static Set<MetadataFlag> flagsNamed(Set<String> names) {
        Set<MetadataFlag> flags = EnumSet.noneOf(MetadataFlag.class);
        for (MetadataFlag flag : MetadataFlag.values()) {
            if (names.contains(flag.name())) {
                flags.add(flag);
            }
        }
        return flags;
    }
}
