package org.instructforge.training.corpus;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** A kind of instruction (arithmetic, word transforms, ...) that samples tasks with references and judges. */
public interface TaskFamily {

    /** Short stable name, used in corpus statistics and per-family evaluation. */
    String name();

    /** A random task; the same Random state always gives the same task. */
    Task sample(Random rng);

    /**
     * The default mix of the base model's corpus, in a fixed order: the {@link #capabilities()}, then the
     * {@link #behaviours()}.
     */
    static List<TaskFamily> defaults() {
        return Stream.concat(capabilities().stream(), behaviours().stream()).toList();
    }

    /**
     * Families that need the one correct content (a sum, a fact, a transform, a format): what the model can compute
     * or knows. Human feedback cannot add much here; their accuracy measures the alignment tax.
     */
    static List<TaskFamily> capabilities() {
        return List.of(
                new ArithmeticTasks(),
                new WordTasks(),
                new ListTasks(),
                new FactualQaTasks(KnowledgeBase.builtIn()),
                new FormatConstraintTasks());
    }

    /**
     * Families whose right answer the small model can write but must choose, each mixed with look-alike twins so that
     * a trivial policy (always refuse, always abstain) loses: honesty about made-up subjects, harmful requests beside
     * benign ones, and constraints with many valid answers. This is where InstructGPT's gains came from.
     */
    static List<TaskFamily> behaviours() {
        return List.of(
                new UnanswerableTasks(KnowledgeBase.builtIn()), new HarmfulRequestTasks(), new OpenConstraintTasks());
    }
}
