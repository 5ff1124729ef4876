package org.instructforge.training.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.junit.jupiter.api.Test;

class PromptSetsTest {

    /** A family with only {@code size} distinct prompts, like the factual questions' small knowledge base. */
    private static TaskFamily small(String name, int size) {
        return new TaskFamily() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Task sample(Random rng) {
                String prompt = name + " question " + rng.nextInt(size);
                return new Task(name, prompt, "answer", r -> 1, List.of());
            }
        };
    }

    private static Set<String> prompts(List<Task> tasks) {
        Set<String> out = new HashSet<>();
        tasks.forEach(t -> out.add(t.prompt()));
        return out;
    }

    private static List<String> promptList(List<Task> tasks) {
        return tasks.stream().map(Task::prompt).toList();
    }

    @Test
    void heldOutPromptsNeverReappearEvenWhenAFamilyRunsOut() {
        PromptSets sets = new PromptSets(List.of(small("fact", 30), small("list", 100_000)), 7);
        List<Task> heldOut = sets.heldOut(20); // 10 of the 30 fact prompts
        List<Task> sft = sets.training(100); // 50 fact draws from the 20 prompts left
        List<Task> ppo = sets.training(100);

        assertThat(prompts(heldOut)).hasSize(20);
        for (List<Task> training : List.of(sft, ppo)) {
            assertThat(training).hasSize(100);
            assertThat(prompts(training)).doesNotContainAnyElementsOf(prompts(heldOut));
            // the families still alternate: a run-out family is repeated, not dropped
            assertThat(training.stream().filter(t -> t.family().equals("fact"))).hasSize(50);
        }
    }

    @Test
    void laterTrainingSetsKeepTheFamiliesMixOfEasyAndHardPrompts() {
        // a third of this family's prompts come from 100 easy ones (like the 363 multiplication-table prompts among
        // the arithmetic family's thousands of sums)
        TaskFamily arithmetic = new TaskFamily() {
            @Override
            public String name() {
                return "arithmetic";
            }

            @Override
            public Task sample(Random rng) {
                String prompt = rng.nextInt(3) == 0 ? "easy " + rng.nextInt(100) : "hard " + rng.nextInt(100_000);
                return new Task(name(), prompt, "answer", r -> 1, List.of());
            }
        };
        PromptSets sets = new PromptSets(List.of(arithmetic), 11);
        sets.heldOut(20);
        sets.training(3_000); // demonstrations and rankings: ten times as many draws as easy prompts
        List<Task> ppo = sets.training(3_000);

        double easyShare =
                ppo.stream().filter(t -> t.prompt().startsWith("easy")).count() / (double) ppo.size();
        assertThat(easyShare).isBetween(0.28, 0.38);
    }

    @Test
    void theSameSeedDrawsTheSameSets() {
        List<TaskFamily> families = List.of(small("a", 40), small("b", 1_000));
        PromptSets first = new PromptSets(families, 3);
        PromptSets second = new PromptSets(families, 3);
        assertThat(promptList(first.heldOut(10))).isEqualTo(promptList(second.heldOut(10)));
        assertThat(promptList(first.training(200))).isEqualTo(promptList(second.training(200)));
    }

    @Test
    void aHeldOutSetLargerThanAFamilyIsRefusedAndSoIsTrainingOnAFamilyThatIsAllHeldOut() {
        assertThatThrownBy(() -> new PromptSets(List.of(small("fact", 5)), 1).heldOut(6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fact family has no unused prompt left");
        PromptSets sets = new PromptSets(List.of(small("fact", 5)), 1);
        sets.heldOut(5);
        assertThatThrownBy(() -> sets.training(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fact family has only held-out prompts left");
    }

    @Test
    void theExperimentsOwnSetsKeepTheEvaluationPromptsOutOfTraining() {
        ExperimentSettings full = ExperimentSettings.full();
        PromptSets sets = new PromptSets(TaskFamily.defaults(), full.seed());
        Set<String> evaluation = prompts(sets.heldOut(full.evaluationPrompts()));
        Set<String> training = new HashSet<>();
        for (int count : new int[] {full.sftPrompts(), full.rankingPrompts(), full.ppoPrompts()}) {
            training.addAll(prompts(sets.training(count)));
        }
        assertThat(evaluation).hasSize(full.evaluationPrompts());
        assertThat(training).doesNotContainAnyElementsOf(evaluation);
    }

    @Test
    void ptxTranscriptsHoldNoHeldOutPromptAndOnlyIdealAnswers() {
        PromptSets sets =
                new PromptSets(TaskFamily.defaults(), ExperimentSettings.full().seed());
        List<Task> evaluation = sets.heldOut(ExperimentSettings.full().evaluationPrompts());
        List<String> ptx = Experiment.ptxTranscripts(sets, Experiment.PTX_TRANSCRIPTS, 6);
        assertThat(ptx).hasSize(Experiment.PTX_TRANSCRIPTS);
        Set<String> trainedPrompts = new HashSet<>();
        for (String transcript : ptx) {
            String prompt = transcript.substring(
                    ChatTemplate.prompt("").length() - "\nAssistant:".length(), transcript.indexOf("\nAssistant:"));
            trainedPrompts.add(prompt);
        }
        // the base corpus's families repeat prompts often (a hundred-odd facts), so an unfiltered draw of 4,000
        // would hold many of these: the filter is what keeps them out
        assertThat(trainedPrompts)
                .doesNotContainAnyElementsOf(prompts(evaluation))
                .hasSizeGreaterThan(1_000);
        assertThat(ptx).noneMatch(t -> t.contains("Sure! ") || t.contains("I hope this helps"));
    }
}
