package org.instructforge.training.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.junit.jupiter.api.Test;

class WorldTest {

    @Test
    void theWorldNeverHoldsAPromptTheExperimentWithItsSeedEvaluatesOn() {
        long seed = 9;
        List<String> heldOut = new PromptSets(TaskFamily.defaults(), seed)
                .heldOut(ExperimentSettings.full().evaluationPrompts()).stream()
                        .map(Task::prompt)
                        .toList();
        List<String> world = World.tasks(2_000, seed).stream().map(Task::prompt).toList();

        assertThat(world).hasSize(2_000).doesNotHaveDuplicates().doesNotContainAnyElementsOf(heldOut);
        // The quick run's held-out set is the first part of the full run's (same seed, same draws).
        List<String> quick = new PromptSets(TaskFamily.defaults(), seed)
                .heldOut(ExperimentSettings.quick().evaluationPrompts()).stream()
                        .map(Task::prompt)
                        .toList();
        assertThat(heldOut).containsAll(quick);
    }

    @Test
    void askingForTooManyPromptsIsAClearError() {
        assertThatThrownBy(() -> World.tasks(World.MAX_PROMPTS + 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 100000");
    }
}
