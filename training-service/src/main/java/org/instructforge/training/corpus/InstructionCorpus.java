package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic stream of instruction transcripts for pretraining the base model, with realistic imperfections so
 * that the base model is mediocre and SFT and RLHF have something to fix: some answers are wrong in a plausible way
 * (off by one, a wrong fact, the format ignored: {@link Task#mistakes()}), some are right but rambling.
 *
 * <p>The same families, rates and seed always give the same examples in the same order.
 */
public final class InstructionCorpus {

    /**
     * How often the corpus answers badly.
     *
     * @param wrongRate share of answers drawn from the task's plausible mistakes (default 0.2)
     * @param ramblingRate share of answers that are right but wrapped in filler sentences (default 0.1)
     */
    public record Imperfections(double wrongRate, double ramblingRate) {
        public Imperfections {
            if (wrongRate < 0 || ramblingRate < 0 || wrongRate + ramblingRate > 1) {
                throw new IllegalArgumentException("Rates must be >= 0 and sum to at most 1");
            }
        }

        public static Imperfections defaults() {
            return new Imperfections(0.2, 0.1);
        }

        public static Imperfections none() {
            return new Imperfections(0, 0);
        }
    }

    /** How an example's answer relates to the task's reference. */
    public enum Quality {
        CORRECT,
        WRONG,
        RAMBLING
    }

    /** One generated example: the task, the answer the transcript gives, and how good that answer is. */
    public record Example(Task task, String answer, Quality quality) {
        public String transcript() {
            return ChatTemplate.transcript(task.prompt(), answer);
        }
    }

    private final List<TaskFamily> families;
    private final Imperfections imperfections;
    private final Random rng;

    public InstructionCorpus(List<TaskFamily> families, Imperfections imperfections, long seed) {
        if (families.isEmpty()) {
            throw new IllegalArgumentException("At least one task family is needed");
        }
        this.families = List.copyOf(families);
        this.imperfections = imperfections;
        this.rng = new Random(seed);
    }

    /** The base model's corpus: {@link TaskFamily#defaults()} with {@link Imperfections#defaults()}. */
    public static InstructionCorpus defaults(long seed) {
        return new InstructionCorpus(TaskFamily.defaults(), Imperfections.defaults(), seed);
    }

    /** The next example; families take turns at random with equal weight. */
    public Example next() {
        Task task = Answers.pick(families, rng).sample(rng);
        double u = rng.nextDouble();
        if (u < imperfections.wrongRate() && !task.mistakes().isEmpty()) {
            return new Example(task, Answers.pick(task.mistakes(), rng), Quality.WRONG);
        }
        if (u < imperfections.wrongRate() + imperfections.ramblingRate()) {
            return new Example(task, Behaviour.pad(task.reference(), rng), Quality.RAMBLING);
        }
        return new Example(task, task.reference(), Quality.CORRECT);
    }

    public List<Example> next(int count) {
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }
}
