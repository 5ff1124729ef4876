package org.instructforge.training.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;

/**
 * Draws an experiment's prompt sets, the task families in turn. A held-out set's prompts never appear in any other
 * set, as InstructGPT's test prompts came from customers none of its training prompts came from. Training sets
 * (demonstrations, rankings, PPO) take fresh prompts while a family has them; a family with a small prompt space
 * (the factual questions have about 250) then repeats prompts that training sets already drew, never held-out ones.
 *
 * <p>Deterministic: the same seed and the same calls give the same sets.
 */
final class PromptSets {

    /** Draws in a row that found only used prompts before a family counts as exhausted. */
    static final int FRESH_TRIES = 500;

    private final List<TaskFamily> families;
    private final Random rng;
    private final Set<String> used = new HashSet<>();
    private final Set<String> exhausted = new HashSet<>();
    private final Map<String, List<Task>> trainingByFamily = new HashMap<>();

    PromptSets(List<TaskFamily> families, long seed) {
        this.families = List.copyOf(families);
        this.rng = new Random(seed);
    }

    /**
     * Distinct prompts that no other set will contain.
     *
     * @throws IllegalArgumentException when a family has no fresh prompt left
     */
    List<Task> heldOut(int count) {
        return draw(count, false, family -> {
            throw new IllegalArgumentException("The " + family.name() + " family has no unused prompt left for a "
                    + "held-out set of " + count + "; ask for fewer held-out prompts");
        });
    }

    /** Prompts for a training set: fresh ones first, then repeats of training prompts of the same family. */
    List<Task> training(int count) {
        return draw(count, true, family -> {
            List<Task> drawn = trainingByFamily.getOrDefault(family.name(), List.of());
            if (drawn.isEmpty()) {
                throw new IllegalArgumentException("The " + family.name() + " family's prompts are all held out");
            }
            return drawn.get(rng.nextInt(drawn.size()));
        });
    }

    /**
     * {@code count} tasks, the families in turn, each fresh where its family still has one and else what
     * {@code whenRunOut} gives; with {@code forTraining} each is remembered at once, so the rest of this set and
     * later training sets can repeat it.
     */
    private List<Task> draw(int count, boolean forTraining, Function<TaskFamily, Task> whenRunOut) {
        List<Task> out = new ArrayList<>(count);
        while (out.size() < count) {
            TaskFamily family = families.get(out.size() % families.size());
            Task fresh = fresh(family);
            Task task = fresh != null ? fresh : whenRunOut.apply(family);
            if (forTraining) {
                trainingByFamily
                        .computeIfAbsent(family.name(), f -> new ArrayList<>())
                        .add(task);
            }
            out.add(task);
        }
        return out;
    }

    /** A task whose prompt no set has yet, or null once the family keeps giving used ones. */
    private Task fresh(TaskFamily family) {
        if (exhausted.contains(family.name())) {
            return null;
        }
        for (int tries = 0; tries < FRESH_TRIES; tries++) {
            Task task = family.sample(rng);
            if (used.add(task.prompt())) {
                return task;
            }
        }
        exhausted.add(family.name());
        return null;
    }
}
