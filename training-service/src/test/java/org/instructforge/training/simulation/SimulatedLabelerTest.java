package org.instructforge.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.junit.jupiter.api.Test;

class SimulatedLabelerTest {

    /** Answer sets as a mediocre policy writes them: the reference, its plausible mistakes, a wordy variant. */
    private static List<List<String>> answerSets(List<Task> tasks, long seed) {
        Random rng = new Random(seed);
        List<List<String>> sets = new ArrayList<>();
        for (Task t : tasks) {
            List<String> answers = new ArrayList<>();
            answers.add(t.reference());
            answers.add("Sure! " + t.reference() + ". I hope this helps!");
            for (String mistake : t.mistakes()) {
                if (answers.size() < 4 + rng.nextInt(6)) {
                    answers.add(mistake);
                }
            }
            while (answers.size() < 4) {
                answers.add(t.reference()); // duplicates: a peaked policy repeats itself
            }
            sets.add(answers);
        }
        return sets;
    }

    @Test
    void calibratedLabelersAgreeAsOftenAsInstructGptLabelers() {
        List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 300, 11);
        List<List<String>> answers = answerSets(tasks, 1);
        double noise = SimulatedLabeler.calibrate(0.73, tasks, answers, 5);
        assertThat(noise).isGreaterThan(0);
        // measured on other labelers' draws and other answer sets than the calibration used
        List<Task> other = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 300, 12);
        assertThat(SimulatedLabeler.agreement(noise, other, answerSets(other, 2), 99))
                .isCloseTo(0.73, within(0.03));
        assertThat(SimulatedLabeler.agreement(0, other, answerSets(other, 2), 99))
                .isEqualTo(1.0);
    }

    @Test
    void aNoiselessLabelerRanksTheReferenceFirstTheWordyOneNextAndTiesIdenticalAnswers() {
        Task task = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 1, 3).get(0); // arithmetic
        SimulatedLabeler judge = new SimulatedLabeler("exact", 0, 1);
        List<String> answers =
                List.of(task.mistakes().get(0), task.reference(), "Sure! " + task.reference() + ".", task.reference());
        RankedCandidates r = judge.rank(task, answers);
        assertThat(r.rankOf(1)).isEqualTo(1);
        assertThat(r.rankOf(3)).isEqualTo(1); // same text, same rank
        assertThat(r.rankOf(2)).isEqualTo(3);
        assertThat(r.rankOf(0)).isEqualTo(4);
        assertThat(judge.prefer(task, task.reference(), task.mistakes().get(0))).isEqualTo(1);
        assertThat(judge.prefer(task, task.reference(), task.reference())).isZero();
        assertThat(judge.demonstrate(task)).isEqualTo(task.reference());
    }

    @Test
    void noisyJudgementsFlipCloseCallsButRarelyClearOnes() {
        Task task = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 1, 3).get(0);
        SimulatedLabeler noisy = new SimulatedLabeler("noisy", 0.3, 7);
        int rightOverWrong = 0;
        for (int i = 0; i < 1000; i++) {
            rightOverWrong += noisy.prefer(task, task.reference(), "}") > 0 ? 1 : 0;
        }
        assertThat(rightOverWrong).isBetween(960, 1000);
    }

    @Test
    void aPersonsPreferenceIsGradedRightThenPaddedThenUnsureThenNearMissThenFarMissThenGarbage() {
        Task sum = find(t -> t.family().equals("arithmetic") && Integer.parseInt(t.reference()) > 60);
        int right = Integer.parseInt(sum.reference());
        List<String> bestFirst = List.of(
                sum.reference(),
                "Sure! " + sum.reference(),
                "I am not sure.",
                Integer.toString(right + 1),
                Integer.toString(right - 50),
                "}",
                "");
        for (int i = 0; i + 1 < bestFirst.size(); i++) {
            assertThat(SimulatedLabeler.quality(sum, bestFirst.get(i)))
                    .as("%s above %s", bestFirst.get(i), bestFirst.get(i + 1))
                    .isGreaterThan(SimulatedLabeler.quality(sum, bestFirst.get(i + 1)));
        }
    }

    @Test
    void honestyAndHarmlessnessAreJudgedByWhatThePromptCallsFor() {
        Task madeUp = find(t -> t.kind() == Task.Kind.UNANSWERABLE);
        assertThat(SimulatedLabeler.quality(madeUp, "I don't know."))
                .isGreaterThan(
                        SimulatedLabeler.quality(madeUp, madeUp.mistakes().get(0)));
        assertThat(SimulatedLabeler.flags(madeUp, madeUp.mistakes().get(0)))
                .containsExactly(SimulatedLabeler.Flag.HALLUCINATION);
        assertThat(SimulatedLabeler.flags(madeUp, "I don't know.")).isEmpty();

        Task real = find(t -> t.family().equals("honesty") && t.kind() == Task.Kind.ANSWER);
        assertThat(SimulatedLabeler.quality(real, real.reference()))
                .isGreaterThan(SimulatedLabeler.quality(real, "I don't know."));

        Task harmful = find(t -> t.kind() == Task.Kind.HARMFUL);
        String compliance = harmful.mistakes().get(0);
        assertThat(SimulatedLabeler.quality(harmful, compliance)).isLessThan(SimulatedLabeler.quality(harmful, "}"));
        assertThat(SimulatedLabeler.quality(harmful, compliance)).isGreaterThan(SimulatedLabeler.quality(harmful, ""));
        assertThat(SimulatedLabeler.flags(harmful, compliance))
                .contains(SimulatedLabeler.Flag.HARMFUL_ADVICE, SimulatedLabeler.Flag.INAPPROPRIATE_FOR_CUSTOMER);

        Task benign = find(t -> t.family().equals("harm") && t.kind() == Task.Kind.ANSWER);
        assertThat(SimulatedLabeler.quality(benign, benign.reference()))
                .isGreaterThan(SimulatedLabeler.quality(benign, "Sorry, I can't help with that."));

        Task json = find(t -> t.prompt().endsWith("JSON with the key \"answer\"."));
        assertThat(SimulatedLabeler.flags(json, "Sure! " + json.reference()))
                .containsExactly(SimulatedLabeler.Flag.FAILS_CONSTRAINT);
        assertThat(SimulatedLabeler.flags(json, json.reference())).isEmpty();
    }

    @Test
    void demonstratorsSlipAtTheirRateAndNeverComplyWithHarm() {
        SimulatedLabeler writer = new SimulatedLabeler("writer", 0, 0.4, 9);
        List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 4000, 21);
        int slips = 0;
        for (Task t : tasks) {
            String demonstration = writer.demonstrate(t);
            slips += demonstration.equals(t.reference()) ? 0 : 1;
            if (t.kind() == Task.Kind.HARMFUL) {
                assertThat(SimulatedLabeler.flags(t, demonstration)).isEmpty();
            }
        }
        assertThat(slips / 4000.0).isCloseTo(0.4, within(0.03));
        assertThat(new SimulatedLabeler("careful", 0, 7).demonstrate(tasks.get(0)))
                .isEqualTo(tasks.get(0).reference());
    }

    /** The first held-out task (over a fixed stream) that matches. */
    private static Task find(java.util.function.Predicate<Task> wanted) {
        return TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 4000, 17).stream()
                .filter(wanted)
                .findFirst()
                .orElseThrow();
    }
}
