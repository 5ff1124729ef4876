package org.instructforge.web.evaluation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Bradley–Terry strengths from pairwise judgements: P(i beats j) = p_i / (p_i + p_j). Fitted by maximum likelihood
 * with Zermelo's iteration, the MM algorithm of Hunter (2004, "MM algorithms for generalized Bradley-Terry
 * models", eq. 3): p_i <- W_i / sum_j n_ij / (p_i + p_j), where W_i counts i's wins (a tie is half a win for each
 * side) and n_ij the judgements between i and j.
 *
 * <p>Strengths compare only within a group of players linked by judgements (directly or through others); players
 * who were never compared with each other land in different groups.
 */
public final class BradleyTerry {

    /** One judgement between two players; {@code firstScore} is 1 when the first won, 0 when it lost, 0.5 a tie. */
    public record Game(long first, long second, double firstScore) {}

    /**
     * Strengths and the group of each player (players of one group were linked by judgements).
     *
     * @param regularised whether some group had no maximum-likelihood fit (a player never lost or never won within
     *     it), so one virtual tie was added to every pair of its players that met, keeping every strength finite
     */
    public record Fit(Map<Long, Double> strengths, Map<Long, Integer> groups, boolean regularised) {

        /** Elo scale: 400·log10 of the strength ratio, the anchor at 1000 (as Chatbot Arena reports ratings). */
        public double elo(long player, long anchor) {
            return 1000 + 400 * Math.log10(strengths.get(player) / strengths.get(anchor));
        }

        /** Whether two players' strengths compare: both were judged, in one linked group. */
        public boolean comparable(long player, long other) {
            Integer group = groups.get(player);
            return group != null && group.equals(groups.get(other));
        }
    }

    private static final int MAX_ITERATIONS = 100_000;
    private static final double TOLERANCE = 1e-12;

    private BradleyTerry() {}

    public static Fit fit(List<Game> games) {
        List<Long> players = List.copyOf(new TreeSet<>(
                games.stream().flatMap(g -> Stream.of(g.first(), g.second())).toList()));
        int n = players.size();
        Map<Long, Integer> index = new LinkedHashMap<>();
        players.forEach(id -> index.put(id, index.size()));
        // won[i][j]: i's wins against j, ties counted as half a win for each side.
        double[][] won = new double[n][n];
        boolean[][] met = new boolean[n][n];
        for (Game game : games) {
            int i = index.get(game.first());
            int j = index.get(game.second());
            won[i][j] += game.firstScore();
            won[j][i] += 1 - game.firstScore();
            met[i][j] = met[j][i] = true;
        }
        int[] group = groups(met);
        boolean regularised = false;
        for (List<Integer> members : members(group)) {
            // The maximum-likelihood strengths exist iff "has beaten" links every player of the group to every
            // other (Zermelo 1929; Ford 1957): otherwise a player who never lost runs off to infinity.
            if (!reachesAll(won, members, false) || !reachesAll(won, members, true)) {
                regularised = true;
                for (int i : members) {
                    for (int j : members) {
                        if (met[i][j]) {
                            won[i][j] += 0.5;
                        }
                    }
                }
            }
        }
        double[] strength = minorizeMaximize(won);
        Map<Long, Double> strengths = new LinkedHashMap<>();
        Map<Long, Integer> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            strengths.put(players.get(i), strength[i]);
            groups.put(players.get(i), group[i]);
        }
        return new Fit(strengths, groups, regularised);
    }

    private static double[] minorizeMaximize(double[][] won) {
        int n = won.length;
        double[] p = new double[n];
        Arrays.fill(p, 1);
        double[] wins = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                wins[i] += won[i][j];
            }
        }
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    double games = won[i][j] + won[j][i];
                    if (j != i && games > 0) {
                        sum += games / (p[i] + p[j]);
                    }
                }
                next[i] = wins[i] / sum;
            }
            // The likelihood depends on ratios only: fix the scale at geometric mean 1.
            double logMean = 0;
            for (double v : next) {
                logMean += Math.log(v) / n;
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                next[i] /= Math.exp(logMean);
                change = Math.max(change, Math.abs(Math.log(next[i] / p[i])));
            }
            p = next;
            if (change < TOLERANCE) {
                break;
            }
        }
        return p;
    }

    /** The linked group of each player: players joined by judgements, directly or through others. */
    private static int[] groups(boolean[][] met) {
        int n = met.length;
        int[] group = new int[n];
        Arrays.fill(group, -1);
        int groups = 0;
        for (int start = 0; start < n; start++) {
            if (group[start] >= 0) {
                continue;
            }
            Deque<Integer> todo = new ArrayDeque<>(List.of(start));
            group[start] = groups;
            while (!todo.isEmpty()) {
                int i = todo.pop();
                for (int j = 0; j < n; j++) {
                    if (met[i][j] && group[j] < 0) {
                        group[j] = groups;
                        todo.push(j);
                    }
                }
            }
            groups++;
        }
        return group;
    }

    private static List<List<Integer>> members(int[] group) {
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < group.length; i++) {
            while (members.size() <= group[i]) {
                members.add(new ArrayList<>());
            }
            members.get(group[i]).add(i);
        }
        return members;
    }

    /** Whether the group's first player reaches all of it along "has won against" links (or, reversed, back). */
    private static boolean reachesAll(double[][] won, List<Integer> members, boolean reverse) {
        boolean[] seen = new boolean[won.length];
        Deque<Integer> todo = new ArrayDeque<>(List.of(members.get(0)));
        seen[members.get(0)] = true;
        int reached = 1;
        while (!todo.isEmpty()) {
            int i = todo.pop();
            for (int j : members) {
                double link = reverse ? won[j][i] : won[i][j];
                if (!seen[j] && link > 0) {
                    seen[j] = true;
                    reached++;
                    todo.push(j);
                }
            }
        }
        return reached == members.size();
    }
}
