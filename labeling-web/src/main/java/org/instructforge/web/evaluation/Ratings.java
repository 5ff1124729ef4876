package org.instructforge.web.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ratings of every compared checkpoint: one Bradley–Terry fit over all judgements, on the Elo scale with an anchor
 * at 1000 in each group of checkpoints that were compared, and bootstrap intervals from resampling the judgements.
 *
 * @param regularised whether the point estimates needed virtual ties (see {@link BradleyTerry.Fit})
 * @param groups how many separately anchored groups there are (1 when every checkpoint was linked to the anchor)
 */
public record Ratings(List<Rating> ratings, boolean regularised, int groups, int resamples) {

    /** Enough resamples for stable 2.5 % / 97.5 % percentiles of a handful of checkpoints. */
    static final int RESAMPLES = 200;

    private static final long SEED = 20220304L; // the InstructGPT paper's submission date: any fixed seed will do

    static final Ratings NONE = new Ratings(List.of(), false, 0, RESAMPLES);

    /**
     * @param anchor the checkpoint fixed at 1000 (the first evaluation's baseline); a group without it is anchored
     *     at its lowest id
     */
    static Ratings of(List<BradleyTerry.Game> games, Long anchor, Map<Long, String> names) {
        if (games.isEmpty()) {
            return NONE;
        }
        BradleyTerry.Fit fit = BradleyTerry.fit(games);
        Map<Integer, Long> anchors = new HashMap<>();
        fit.groups().forEach((id, group) -> anchors.merge(group, id, Math::min));
        if (anchor != null && fit.groups().containsKey(anchor)) {
            anchors.put(fit.groups().get(anchor), anchor);
        }
        Map<Long, Long> anchorOf = new HashMap<>();
        fit.groups().forEach((id, group) -> anchorOf.put(id, anchors.get(group)));
        Map<Long, Interval> intervals = Bootstrap.intervals(
                games,
                resample -> {
                    BradleyTerry.Fit again = BradleyTerry.fit(resample);
                    Map<Long, Double> elo = new LinkedHashMap<>();
                    for (long id : again.strengths().keySet()) {
                        // A resample may leave out the judgements linking a checkpoint to its anchor.
                        if (again.comparable(id, anchorOf.get(id))) {
                            elo.put(id, again.elo(id, anchorOf.get(id)));
                        }
                    }
                    return elo;
                },
                RESAMPLES,
                SEED);
        Map<Long, Long> counts = new HashMap<>();
        for (BradleyTerry.Game game : games) {
            counts.merge(game.first(), 1L, Long::sum);
            counts.merge(game.second(), 1L, Long::sum);
        }
        List<Rating> ratings = new ArrayList<>();
        for (long id : fit.strengths().keySet()) {
            long fixed = anchorOf.get(id);
            ratings.add(new Rating(
                    id,
                    names.getOrDefault(id, "#" + id),
                    fit.elo(id, fixed),
                    intervals.get(id),
                    id == fixed,
                    fit.groups().get(id),
                    counts.get(id)));
        }
        // The anchor's group first, then by rating.
        int first = anchor != null && fit.groups().containsKey(anchor)
                ? fit.groups().get(anchor)
                : -1;
        ratings.sort(Comparator.comparing((Rating r) -> r.group() != first)
                .thenComparingInt(Rating::group)
                .thenComparing(Comparator.comparingDouble(Rating::elo).reversed()));
        return new Ratings(List.copyOf(ratings), fit.regularised(), anchors.size(), RESAMPLES);
    }
}
