package org.instructforge.training.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.junit.jupiter.api.Test;

class TaskEvaluationTest {

    @Test
    void heldOutTasksGiveEveryFamilyAnEqualShare() {
        int families = TaskFamily.defaults().size();
        List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 25 * families, 5);
        assertThat(tasks).hasSize(25 * families);
        for (TaskFamily f : TaskFamily.defaults()) {
            assertThat(tasks.stream().filter(t -> t.family().equals(f.name()))).hasSize(25);
        }
        assertThat(TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 25 * families, 5).stream()
                        .map(Task::prompt))
                .containsExactlyElementsOf(tasks.stream().map(Task::prompt).toList());
    }

    @Test
    void reportCountsOnlyFullScoresAsCorrect() {
        int families = TaskFamily.defaults().size();
        List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 2 * families, 5);
        List<TaskEvaluation.Answer> answers = List.of(
                new TaskEvaluation.Answer(tasks.get(0), "a", 1.0),
                new TaskEvaluation.Answer(tasks.get(families), "b", 0.5), // the first family again
                new TaskEvaluation.Answer(tasks.get(1), "c", 0.0));
        TaskEvaluation.Report report = TaskEvaluation.report(answers);
        assertThat(report.overall().tasks()).isEqualTo(3);
        assertThat(report.overall().accuracy()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(report.overall().meanScore()).isCloseTo(0.5, within(1e-9));
        TaskEvaluation.Summary first = report.byFamily().get(tasks.get(0).family());
        assertThat(first.tasks()).isEqualTo(2);
        assertThat(first.accuracy()).isEqualTo(0.5);
    }
}
