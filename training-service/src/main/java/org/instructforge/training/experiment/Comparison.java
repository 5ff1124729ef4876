package org.instructforge.training.experiment;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.simulation.SimulatedLabeler;

/**
 * A blind pairwise comparison of two policies, A and B, on the same prompts, one answer of each per prompt, as
 * InstructGPT measured its models: each pair is shown in random order to a judge who labelled nothing in training.
 * The same pairs are judged again by a judge without noise, which says how much of the result is the judge's noise.
 *
 * @param verdicts per prompt 1 when the judge prefers A, -1 for B, 0 for a tie (answers of equal quality)
 * @param noiselessVerdicts the same by a judge without noise
 * @param families each prompt's task family, for the win rate per family
 */
public record Comparison(int[] verdicts, int[] noiselessVerdicts, List<String> families) {

    static Comparison of(SimulatedLabeler judge, List<Task> tasks, List<String> a, List<String> b, long seed) {
        return new Comparison(
                blindVerdicts(judge, tasks, a, b, seed),
                blindVerdicts(new SimulatedLabeler("noiseless", 0, 0), tasks, a, b, seed),
                tasks.stream().map(Task::family).toList());
    }

    /** The judge's verdict on each pair, its two answers shown in random order. */
    private static int[] blindVerdicts(
            SimulatedLabeler judge, List<Task> tasks, List<String> a, List<String> b, long seed) {
        Random sides = new Random(seed);
        int[] out = new int[tasks.size()];
        for (int i = 0; i < out.length; i++) {
            Task task = tasks.get(i);
            out[i] = sides.nextBoolean()
                    ? judge.prefer(task, a.get(i), b.get(i))
                    : -judge.prefer(task, b.get(i), a.get(i));
        }
        return out;
    }

    public int comparisons() {
        return verdicts.length;
    }

    /** A's share of the comparisons, a tie counting half. */
    public double winRate() {
        return winRate(verdicts);
    }

    /** The normal-approximation 95 % interval of {@link #winRate()}: {@code {low, high}}. */
    public double[] interval() {
        double p = winRate();
        double half = 1.96 * Math.sqrt(p * (1 - p) / verdicts.length);
        return new double[] {Math.max(0, p - half), Math.min(1, p + half)};
    }

    /** Share of the comparisons that were ties. */
    public double tieShare() {
        return tieShare(verdicts);
    }

    /** A's win rate among the comparisons that were not ties (NaN when all were). */
    public double decidedWinRate() {
        long decided = Arrays.stream(verdicts).filter(v -> v != 0).count();
        long wins = Arrays.stream(verdicts).filter(v -> v > 0).count();
        return decided == 0 ? Double.NaN : wins / (double) decided;
    }

    public double noiselessWinRate() {
        return winRate(noiselessVerdicts);
    }

    /** The figures by name, for {@code summary.json}. */
    public Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("win_rate", winRate());
        m.put("win_rate_95ci", List.of(interval()[0], interval()[1]));
        m.put("tie_share", tieShare());
        m.put("win_rate_among_decided", decidedWinRate());
        m.put("win_rate_noiseless_judge", noiselessWinRate());
        m.put("comparisons", comparisons());
        m.put("by_family", byFamily());
        return m;
    }

    /**
     * Per task family: A's win rate and tie share, by the noisy and the noiseless judge. Where the gain comes from:
     * InstructGPT's came from behaviour, not knowledge, so the capability families should mostly tie.
     */
    public Map<String, Map<String, Double>> byFamily() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String family : families.stream().distinct().sorted().toList()) {
            int[] noisy = select(verdicts, family);
            int[] noiseless = select(noiselessVerdicts, family);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("win_rate", winRate(noisy));
            m.put("tie_share", tieShare(noisy));
            m.put("win_rate_noiseless_judge", winRate(noiseless));
            m.put("comparisons", (double) noisy.length);
            out.put(family, m);
        }
        return out;
    }

    private int[] select(int[] all, String family) {
        return IntStream.range(0, all.length)
                .filter(i -> families.get(i).equals(family))
                .map(i -> all[i])
                .toArray();
    }

    private static double tieShare(int[] verdicts) {
        return Arrays.stream(verdicts).filter(v -> v == 0).count() / (double) verdicts.length;
    }

    private static double winRate(int[] verdicts) {
        double wins = 0;
        for (int v : verdicts) {
            wins += v > 0 ? 1 : v == 0 ? 0.5 : 0;
        }
        return wins / verdicts.length;
    }
}
