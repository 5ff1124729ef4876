package org.instructforge.web.evaluation;

/**
 * A checkpoint's Bradley–Terry rating on the Elo scale, with a 95 % bootstrap interval.
 *
 * @param anchor whether this checkpoint is the one fixed at 1000 in its group
 * @param group checkpoints of one group were compared with each other (directly or through others); ratings of
 *     different groups do not compare, each group has its own anchor
 * @param judgements how many judgements it took part in
 */
public record Rating(
        long checkpointId, String name, double elo, Interval interval, boolean anchor, int group, long judgements) {}
