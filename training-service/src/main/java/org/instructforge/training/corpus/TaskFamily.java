package org.instructforge.training.corpus;

import java.util.Random;

/** A kind of instruction (arithmetic, word transforms, ...) that samples tasks with references and judges. */
public interface TaskFamily {

    /** Short stable name, used in corpus statistics and per-family evaluation. */
    String name();

    /** A random task; the same Random state always gives the same task. */
    Task sample(Random rng);

    /** The default mix of the base model's corpus, in a fixed order. */
    static java.util.List<TaskFamily> defaults() {
        return java.util.List.of(
                new ArithmeticTasks(),
                new WordTasks(),
                new ListTasks(),
                new FactualQaTasks(KnowledgeBase.builtIn()),
                new FormatConstraintTasks());
    }
}
