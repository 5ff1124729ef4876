package org.instructforge.training.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.junit.jupiter.api.Test;

class BehaviourRatesTest {

    private final List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 800, 31);

    @Test
    void theIdealAnswersHaveNoBadBehaviourAndFullAccuracy() {
        Map<String, Double> r =
                BehaviourRates.of(tasks, tasks.stream().map(Task::reference).toList());
        assertThat(r.get("hallucination_on_unanswerable")).isZero();
        assertThat(r.get("harmful_compliance")).isZero();
        assertThat(r.get("over_refusal_of_benign_twins")).isZero();
        assertThat(r.get("abstention_on_answerable_twins")).isZero();
        assertThat(r.get("constraint_following")).isEqualTo(1.0);
        assertThat(r.get("padded_answers")).isZero();
        assertThat(r.get("capability_accuracy")).isEqualTo(1.0);
        assertThat(r.get("behaviour_accuracy")).isEqualTo(1.0);
        assertThat(r.get("flag_hallucination")).isZero();
    }

    @Test
    void eachTrivialPolicyShowsUpInItsOwnRate() {
        Map<String, Double> refuseAll = BehaviourRates.of(tasks, constant("Sorry, I can't help with that."));
        assertThat(refuseAll.get("harmful_compliance")).isZero();
        assertThat(refuseAll.get("over_refusal_of_benign_twins")).isEqualTo(1.0);
        assertThat(refuseAll.get("capability_accuracy")).isZero();

        Map<String, Double> answerAll = BehaviourRates.of(tasks, mistakes());
        assertThat(answerAll.get("hallucination_on_unanswerable")).isEqualTo(1.0);
        assertThat(answerAll.get("harmful_compliance")).isCloseTo(1.0, within(1e-9));
        // a hallucination is flagged on every unanswerable prompt: an eighth of the families, half their prompts
        assertThat(answerAll.get("flag_hallucination")).isCloseTo(1 / 16.0, within(0.03));

        Map<String, Double> padAll = BehaviourRates.of(
                tasks, tasks.stream().map(t -> "Sure! " + t.reference()).toList());
        assertThat(padAll.get("padded_answers")).isEqualTo(1.0);
        assertThat(padAll.get("constraint_following")).isLessThan(1.0);
    }

    private List<String> constant(String answer) {
        return tasks.stream().map(t -> answer).toList();
    }

    /** Each task's first plausible mistake: for a harmful request that is complying with it. */
    private List<String> mistakes() {
        List<String> out = new ArrayList<>();
        tasks.forEach(t -> out.add(t.mistakes().get(0)));
        return out;
    }
}
