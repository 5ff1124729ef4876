package org.instructforge.training.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;

/**
 * Draws an experiment's prompt sets, the task families in turn. A held-out set's prompts never appear in any other
 * set, as InstructGPT's test prompts came from customers none of its training prompts came from.
 *
 * <p>Training sets (demonstrations, rankings, PPO) are drawn as the families give prompts, repeats included, and
 * skip only held-out prompts: each set then has the prompt distribution the held-out set has. Drawing every set fresh
 * (an earlier version) skewed the later sets: the 2,000 demonstrations and 15,000 rankings used up the 363
 * multiplication-table prompts, so PPO's arithmetic prompts were all two-digit sums, and PPO was judged on a mix it
 * never trained on (with a base model pretrained three times longer, SFT's arithmetic accuracy was 6 % on PPO's
 * prompts against 30 % on the held-out ones).
 *
 * <p>Deterministic: the same seed and the same calls give the same sets.
 */
final class PromptSets {

    /** Draws in a row that may give only held-out prompts before a family counts as run out. */
    static final int TRIES = 500;

    private final List<TaskFamily> families;
    private final Random rng;
    private final Set<String> heldOut = new HashSet<>();

    PromptSets(List<TaskFamily> families, long seed) {
        this.families = List.copyOf(families);
        this.rng = new Random(seed);
    }

    /**
     * Distinct prompts that no other set will contain.
     *
     * @throws IllegalArgumentException when a family has no prompt left that is not held out already
     */
    List<Task> heldOut(int count) {
        return draw(
                count,
                true,
                "has no unused prompt left for a held-out set of " + count + "; ask for fewer held-out prompts");
    }

    /** Whether a held-out set holds this prompt: nothing trained on may contain it. */
    boolean isHeldOut(String prompt) {
        return heldOut.contains(prompt);
    }

    /**
     * Prompts for a training set, as the families give them (a prompt may come twice), none of them held out.
     *
     * @throws IllegalArgumentException when a family's prompts are all held out
     */
    List<Task> training(int count) {
        return draw(count, false, "has only held-out prompts left");
    }

    /**
     * {@code count} tasks, the families in turn, none of them held out before; with {@code holdOut} each is held out at
     * once, so a held-out set has no repeats either.
     */
    private List<Task> draw(int count, boolean holdOut, String whenRunOut) {
        List<Task> out = new ArrayList<>(count);
        while (out.size() < count) {
            Task task = notHeldOut(families.get(out.size() % families.size()), whenRunOut);
            if (holdOut) {
                heldOut.add(task.prompt());
            }
            out.add(task);
        }
        return out;
    }

    private Task notHeldOut(TaskFamily family, String whenRunOut) {
        for (int tries = 0; tries < TRIES; tries++) {
            Task task = family.sample(rng);
            if (!heldOut.contains(task.prompt())) {
                return task;
            }
        }
        throw new IllegalArgumentException("The " + family.name() + " family " + whenRunOut);
    }
}
