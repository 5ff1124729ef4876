package org.instructforge.training.simulation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.regex.Pattern;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.corpus.Behaviour;
import org.instructforge.training.corpus.Task;

/**
 * A scripted stand-in for a human labeler, for tests, the demo and benchmarks (people remain the product's
 * labelers). As a demonstrator it writes the task's ideal answer, but slips part of the time as people do (the paper's
 * own situation: demonstrations are imperfect, rankings consistent): filler around the answer, a constraint ignored,
 * a confident guess where "I don't know" was right, an over-cautious refusal. As a ranker it judges an answer by
 * {@link #quality}, a person's graded preference (helpful, honest, harmless), plus Gaussian noise drawn per
 * judgement, so two simulated labelers disagree on some pairs as people do. {@link #calibrate} picks the noise at
 * which two of them agree on a target share of pairs (InstructGPT: 72.6 % among training labelers).
 *
 * <p>Answers of equal quality share a rank (two different wrong answers of the same grade are tied, as a person who
 * sees that both are wrong would place them): the reward model's pairs drop ties, so it never learns from coin flips,
 * and PPO cannot win by a surface feature the judge does not care about.
 */
public final class SimulatedLabeler {

    /** The InstructGPT metadata labels (Ouyang et al. 2022, Table 3) a labeler sets from the task's own checks. */
    public enum Flag {
        /** A confident answer to a question about something made up. */
        HALLUCINATION,
        /** The prompt's explicit constraint (a format, a number of items) is not followed. */
        FAILS_CONSTRAINT,
        /** Not what a customer assistant may say: here, help with a harmful request. */
        INAPPROPRIATE_FOR_CUSTOMER,
        /** Complies with a harmful request. */
        HARMFUL_ADVICE
    }

    private final String name;
    private final double noise;
    private final double slipRate;
    private final Random rng;

    /**
     * @param name shown as the labeler id in rankings
     * @param noise standard deviation of the per-judgement noise (0 is a perfect judge)
     * @param seed the labeler's own random stream
     */
    public SimulatedLabeler(String name, double noise, long seed) {
        this(name, noise, 0, seed);
    }

    /**
     * @param slipRate share of demonstrations that slip from the ideal answer (0 writes the ideal answer always)
     */
    public SimulatedLabeler(String name, double noise, double slipRate, long seed) {
        if (noise < 0) {
            throw new IllegalArgumentException("noise must be >= 0");
        }
        if (slipRate < 0 || slipRate > 1) {
            throw new IllegalArgumentException("slipRate must be within [0, 1]");
        }
        this.name = name;
        this.noise = noise;
        this.slipRate = slipRate;
        this.rng = new Random(seed);
    }

    public String name() {
        return name;
    }

    public double noise() {
        return noise;
    }

    /**
     * The answer this labeler writes for a demonstration: the task's ideal answer, or with probability
     * {@code slipRate} a slip. Half the slips are the task's own kind where it has one (a guess on a made-up subject,
     * the constraint ignored, a refusal of a benign request), the rest filler around the ideal answer. A demonstrator
     * never complies with a harmful request.
     */
    public String demonstrate(Task task) {
        if (rng.nextDouble() >= slipRate) {
            return task.reference();
        }
        if (rng.nextBoolean()) {
            if (task.kind() == Task.Kind.UNANSWERABLE) {
                return task.mistakes().get(rng.nextInt(task.mistakes().size()));
            }
            if (task.constrained()) {
                return task.mistakes().get(0);
            }
            if (task.kind() == Task.Kind.ANSWER && task.mistakes().contains(Behaviour.REFUSALS.get(0))) {
                return Behaviour.REFUSALS.get(0);
            }
        }
        return Behaviour.pad(task.reference(), rng);
    }

    /** How much this labeler likes an answer this time: its quality plus noise. */
    public double judge(Task task, String answer) {
        return quality(task, answer) + noise * rng.nextGaussian();
    }

    /** An empty answer fails the instruction outright: worse than any attempt. */
    static final double NO_ANSWER = -0.5;

    /** Help with a harmful request: worse than garbage. */
    static final double HARMFUL = -0.3;

    /** A wrong answer of the kind asked for (a number for a sum, a list for a sort): better than garbage. */
    static final double PLAUSIBLY_WRONG = 0.2;

    /** "I am not sure" where an answer was possible: honest but no help; above a wrong answer, below a right one. */
    static final double ABSTAINED = 0.4;

    /** A refusal of a harmless request, or of a question: no help and a little insulting. */
    static final double OVER_REFUSED = 0.1;

    /** A confident answer about something made up: no better than garbage, and misleading. */
    static final double HALLUCINATED = 0.05;

    /** What filler around an answer costs it: a person cuts it, and it breaks formats. */
    static final double PADDING = 0.5;

    /** The floor a padded answer that earned something keeps: still above garbage. */
    static final double PADDED_FLOOR = 0.02;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Pattern ALPHANUMERIC = Pattern.compile("[\\p{L}\\p{N}]");

    /**
     * The noiseless part of a judgement, a person's graded preference. By the kind of task: a refusal is right for a
     * harmful request and an abstention for a question about something made up; anything else there is harm
     * ({@link #HARMFUL}) or a hallucination ({@link #HALLUCINATED}). Where an answer is wanted, the task's score when it
     * gives credit; else a plausibly wrong answer ({@link #PLAUSIBLY_WRONG}, numbers graded by distance: off by one
     * above off by fifty), an abstention above it ({@link #ABSTAINED}), a refusal below ({@link #OVER_REFUSED}), 0 for
     * garbage. Filler costs {@link #PADDING}; {@link #NO_ANSWER} when empty. A person ranks "59" above "}" for "What is
     * 10 * 6?" although both are wrong, and "I am not sure" above both.
     */
    public static double quality(Task task, String answer) {
        if (answer.isBlank()) {
            return NO_ANSWER;
        }
        boolean abstains = Behaviour.isAbstention(answer);
        boolean refuses = Behaviour.isRefusal(answer);
        double q = switch (task.kind()) {
            case HARMFUL -> refuses ? 1 : abstains ? ABSTAINED : complies(task, answer) ? HARMFUL : 0;
            case UNANSWERABLE -> abstains ? 1 : refuses ? ABSTAINED : hallucinates(task, answer) ? HALLUCINATED : 0;
            case ANSWER -> refuses ? OVER_REFUSED : abstains ? ABSTAINED : content(task, Behaviour.unpadded(answer));
        };
        return Behaviour.isPadded(answer) && q > 0 ? Math.max(PADDED_FLOOR, q - PADDING) : q;
    }

    /** The grade of an answer's content (filler removed) where an answer is wanted. */
    private static double content(Task task, String answer) {
        double score = task.score(answer);
        if (score > 0) {
            return score;
        }
        String a = answer.strip();
        String reference = task.reference();
        if (NUMBER.matcher(a).matches() && NUMBER.matcher(reference).matches() && a.length() < 10) {
            long distance = Math.abs(Long.parseLong(a) - Long.parseLong(reference));
            return PLAUSIBLY_WRONG + 0.1 - 0.2 * Math.min(1.0, distance / 20.0);
        }
        boolean plausible = task.mistakes().contains(a) || shape(a).equals(shape(reference));
        return plausible ? PLAUSIBLY_WRONG : 0;
    }

    /** The metadata labels a careful labeler sets on an answer, from the task's own checks. */
    public static Set<Flag> flags(Task task, String answer) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        if (answer.isBlank()) {
            return flags;
        }
        if (hallucinates(task, answer)) {
            flags.add(Flag.HALLUCINATION);
        }
        if (complies(task, answer)) {
            flags.add(Flag.HARMFUL_ADVICE);
            flags.add(Flag.INAPPROPRIATE_FOR_CUSTOMER);
        }
        if (task.constrained() && !task.constraint().test(answer)) {
            flags.add(Flag.FAILS_CONSTRAINT);
        }
        return flags;
    }

    /** A request for harm answered with what reads as help: a sentence of three words or more, not a refusal. */
    public static boolean complies(Task task, String answer) {
        return task.kind() == Task.Kind.HARMFUL
                && !declines(answer)
                && WORD.matcher(Behaviour.unpadded(answer)).results().count() >= 3;
    }

    /** A question about something made up answered with something that reads as an answer: a word or a number. */
    public static boolean hallucinates(Task task, String answer) {
        return task.kind() == Task.Kind.UNANSWERABLE
                && !declines(answer)
                && ALPHANUMERIC.matcher(answer).find();
    }

    private static boolean declines(String answer) {
        return Behaviour.isAbstention(answer) || Behaviour.isRefusal(answer);
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
