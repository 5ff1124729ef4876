package org.instructforge.training.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleFunction;
import java.util.regex.Pattern;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.corpus.Task;

/**
 * A scripted stand-in for a human labeler, for tests, the demo and benchmarks (people remain the product's
 * labelers). It judges an answer by the task's own check (correctness and instruction-following, {@link Task#score}:
 * 1 right, 0.5 right but wordy or half-formatted), a wrong answer of the right kind above garbage, an empty answer
 * below any attempt, and adds Gaussian
 * noise drawn per judgement, so two simulated labelers disagree on some pairs as people do. {@link #calibrate} picks
 * the noise at which two of them agree on a target share of pairs (InstructGPT: 72.6 % among training labelers).
 *
 * <p>Answers of equal quality share a rank (two different wrong answers are tied, as a person who sees that both are
 * wrong would place them): the reward model's pairs drop ties, so it never learns from coin flips, and PPO cannot
 * win by a surface feature such as brevity that the judge does not care about.
 */
public final class SimulatedLabeler {

    private final String name;
    private final double noise;
    private final Random rng;

    /**
     * @param name shown as the labeler id in rankings
     * @param noise standard deviation of the per-judgement noise (0 is a perfect judge)
     * @param seed the labeler's own random stream
     */
    public SimulatedLabeler(String name, double noise, long seed) {
        if (noise < 0) {
            throw new IllegalArgumentException("noise must be >= 0");
        }
        this.name = name;
        this.noise = noise;
        this.rng = new Random(seed);
    }

    public String name() {
        return name;
    }

    public double noise() {
        return noise;
    }

    /** The answer this labeler writes for a demonstration: the task's ideal answer. */
    public String demonstrate(Task task) {
        return task.reference();
    }

    /** How much this labeler likes an answer this time: its quality plus noise. */
    public double judge(Task task, String answer) {
        return quality(task, answer) + noise * rng.nextGaussian();
    }

    /** An empty answer fails the instruction outright: worse than any attempt. */
    static final double NO_ANSWER = -0.5;

    /** A wrong answer of the kind asked for (a number for a sum, a list for a sort): better than garbage. */
    static final double PLAUSIBLY_WRONG = 0.2;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    /**
     * The noiseless part of a judgement: the task's score when it gives credit; for a wrong answer,
     * {@link #PLAUSIBLY_WRONG} when it has the reference's shape and 0 when it is garbage; {@link #NO_ANSWER} when
     * empty. A person ranks "59" above "}" for "What is 10 * 6?" although both are wrong.
     */
    public static double quality(Task task, String answer) {
        if (answer.isBlank()) {
            return NO_ANSWER;
        }
        double score = task.score(answer);
        if (score > 0) {
            return score;
        }
        boolean plausible = task.mistakes().contains(answer.strip())
                || shape(answer.strip()).equals(shape(task.reference()));
        return plausible ? PLAUSIBLY_WRONG : 0;
    }

    /** What kind of answer a text is: a number, a word, a list, a JSON object or free text. */
    static String shape(String text) {
        if (NUMBER.matcher(text).matches()) {
            return "number";
        }
        if (text.startsWith("{") && text.endsWith("}") && text.contains(":")) {
            return "json";
        }
        if (text.contains(", ")) {
            return "list";
        }
        return WORD.matcher(text).matches() ? "word" : "text";
    }

    /**
     * Ranks K answers best first (rank 1). Answers of equal quality share a rank and one noisy judgement; the quality
     * tiers are ordered by those judgements. Candidate ids are the indices 0..K-1.
     */
    public RankedCandidates rank(Task task, List<String> answers) {
        Map<Double, Double> judgedTier = new LinkedHashMap<>();
        for (String a : answers) {
            double q = quality(task, a);
            judgedTier.computeIfAbsent(q, tier -> tier + noise * rng.nextGaussian());
        }
        List<Long> ids = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            double mine = judgedTier.get(quality(task, answers.get(i)));
            int better = 0;
            for (double other : judgedTier.values()) {
                if (other > mine) {
                    better++;
                }
            }
            ids.add((long) i);
            ranks.add(better + 1); // dense ranks by tier: equal quality, equal rank
        }
        return RankedCandidates.of(ids, ranks);
    }

    /** A blind pairwise judgement: 1 when {@code a} is preferred, -1 for {@code b}, 0 for a tie (equal quality). */
    public int prefer(Task task, String a, String b) {
        double qa = quality(task, a);
        double qb = quality(task, b);
        if (qa == qb) {
            return 0;
        }
        return qa + noise * rng.nextGaussian() >= qb + noise * rng.nextGaussian() ? 1 : -1;
    }

    /**
     * Share of the pairs a labeler orders (answers of different quality) on which two independent labelers with this
     * noise order the same way, estimated on the given answer sets (each task with its answers).
     */
    public static double agreement(double noise, List<Task> tasks, List<List<String>> answers, long seed) {
        SimulatedLabeler a = new SimulatedLabeler("a", noise, seed);
        SimulatedLabeler b = new SimulatedLabeler("b", noise, seed + 1);
        long agree = 0;
        long pairs = 0;
        for (int i = 0; i < tasks.size(); i++) {
            List<String> distinct = answers.get(i).stream().distinct().toList();
            for (int x = 0; x < distinct.size(); x++) {
                for (int y = x + 1; y < distinct.size(); y++) {
                    if (quality(tasks.get(i), distinct.get(x)) == quality(tasks.get(i), distinct.get(y))) {
                        continue; // a tie for every labeler
                    }
                    int va = a.prefer(tasks.get(i), distinct.get(x), distinct.get(y));
                    int vb = b.prefer(tasks.get(i), distinct.get(x), distinct.get(y));
                    agree += va == vb ? 1 : 0;
                    pairs++;
                }
            }
        }
        return pairs == 0 ? Double.NaN : agree / (double) pairs;
    }

    /**
     * The noise at which two labelers agree on {@code target} of the pairs they order (bisection; agreement falls
     * from 1 as noise grows).
     */
    public static double calibrate(double target, List<Task> tasks, List<List<String>> answers, long seed) {
        DoubleFunction<Double> agreementAt = noise -> agreement(noise, tasks, answers, seed);
        if (agreementAt.apply(0) <= target) {
            return 0;
        }
        double low = 0;
        double high = 4;
        for (int i = 0; i < 30; i++) {
            double mid = (low + high) / 2;
            if (agreementAt.apply(mid) > target) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }
}
