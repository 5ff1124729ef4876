package org.instructforge.training.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo world as prompts a product can import: distinct prompts of the task families, the families in turn, never
 * one the experiment with the same seed holds out for its final comparison (those stay unseen by anything trained).
 * Deterministic: the same count and seed give the same tasks, so {@code forge crowd} can find the task (and its judge)
 * behind each prompt the product shows it.
 */
public final class World {

    /** The most prompts one world holds: far beyond a demo round, and generated in seconds. */
    public static final int MAX_PROMPTS = 100_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private World() {}

    /** The seed of the documented experiment, whose held-out prompts the world leaves out by default. */
    public static long defaultSeed() {
        return ExperimentSettings.full().seed();
    }

    /**
     * {@code count} distinct tasks of the families, none among the held-out evaluation prompts of the experiment with
     * this seed (the full run's, which include the quick run's).
     *
     * @throws IllegalArgumentException when the families have fewer distinct prompts left
     */
    public static List<Task> tasks(int count, long seed) {
        if (count < 1 || count > MAX_PROMPTS) {
            throw new IllegalArgumentException(
                    "the world holds at least one prompt and at most " + MAX_PROMPTS + ", not " + count);
        }
        PromptSets sets = new PromptSets(TaskFamily.defaults(), seed);
        sets.heldOut(ExperimentSettings.full().evaluationPrompts());
        Map<String, Task> distinct = new LinkedHashMap<>();
        int fruitless = 0;
        while (distinct.size() < count) {
            // One prompt of each family in turn; a family whose prompts are all taken adds nothing, the others go on.
            int before = distinct.size();
            for (Task task : sets.training(TaskFamily.defaults().size())) {
                if (distinct.size() < count) {
                    distinct.putIfAbsent(task.prompt(), task);
                }
            }
            fruitless = distinct.size() == before ? fruitless + 1 : 0;
            if (fruitless > PromptSets.TRIES) {
                throw new IllegalArgumentException("the task families have only about " + distinct.size()
                        + " distinct prompts besides the held-out ones; ask for fewer than " + count);
            }
        }
        return new ArrayList<>(distinct.values());
    }

    /**
     * One prompt-import line ({@code {"prompt", "user_id", "source", "metadata"}}): a customer prompt of its own made-up
     * user (the import splits by user, so even a few prompts spread over TRAIN, VALID and TEST), with the family and the
     * kind of answer wanted as metadata.
     */
    public static String importLine(Task task, int index) {
        ObjectNode line = JSON.createObjectNode();
        line.put("prompt", task.prompt());
        line.put("user_id", "world-user-" + index);
        line.put("source", "customer");
        ObjectNode metadata = line.putObject("metadata");
        metadata.put("family", task.family());
        metadata.put("kind", task.kind().name().toLowerCase(java.util.Locale.ROOT));
        return JSON.writeValueAsString(line);
    }
}
