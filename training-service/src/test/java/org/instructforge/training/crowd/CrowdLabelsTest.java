package org.instructforge.training.crowd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.training.corpus.Behaviour;
import org.instructforge.training.corpus.HarmfulRequestTasks;
import org.instructforge.training.corpus.KnowledgeBase;
import org.instructforge.training.corpus.OpenConstraintTasks;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.UnanswerableTasks;
import org.instructforge.training.experiment.World;
import org.instructforge.training.simulation.SimulatedLabeler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What the crowd sends for one task, from the simulated labeler's judgement and the task's own checks. */
class CrowdLabelsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void metadataFlagsComeFromTheTasksOwnChecks() {
        Task harmful = firstOfKind(new HarmfulRequestTasks(), Task.Kind.HARMFUL);
        Task unanswerable = firstOfKind(new UnanswerableTasks(KnowledgeBase.builtIn()), Task.Kind.UNANSWERABLE);
        Task constrained = new OpenConstraintTasks().sample(new Random(1));

        assertThat(Crowd.metadataFlags(harmful, "Here is how you do it step by step."))
                .contains("HARMFUL_ADVICE", "INAPPROPRIATE_FOR_CUSTOMER");
        assertThat(Crowd.metadataFlags(harmful, Behaviour.REFUSALS.get(0))).isEmpty();
        assertThat(Crowd.metadataFlags(unanswerable, "Paris")).contains("HALLUCINATION");
        assertThat(Crowd.metadataFlags(unanswerable, Behaviour.ABSTENTIONS.get(0)))
                .isEmpty();
        assertThat(Crowd.metadataFlags(constrained, constrained.reference())).containsExactly("SATISFIES_CONSTRAINT");
        assertThat(Crowd.metadataFlags(constrained, constrained.mistakes().get(0)))
                .contains("FAILS_INSTRUCTION");
    }

    @Test
    void aRankingRanksEveryCandidateByIdWithItsScore() {
        Task task = World.tasks(1, 3).get(0);
        var candidates = JSON.readTree(
                """
                [{"id": 41, "text": %s}, {"id": 42, "text": "zzz"}, {"id": 43, "text": "I am not sure."},
                 {"id": 44, "text": %s}]""".formatted(JSON.writeValueAsString(task.reference()), JSON.writeValueAsString(task.reference())));
        Map<String, Object> body = Crowd.ranking(new SimulatedLabeler("perfect", 0, 1), task, candidates);

        @SuppressWarnings("unchecked")
        Map<String, Integer> ranks = (Map<String, Integer>) body.get("ranks");
        @SuppressWarnings("unchecked")
        Map<String, Integer> likert = (Map<String, Integer>) body.get("likert");
        assertThat(ranks).containsOnlyKeys("41", "42", "43", "44");
        assertThat(ranks.get("41")).isEqualTo(1).isEqualTo(ranks.get("44")); // the same answer twice: a tie
        assertThat(ranks.get("43")).isLessThan(ranks.get("42")); // "not sure" above garbage
        assertThat(likert.get("41")).isEqualTo(7);
        assertThat(likert.get("42")).isEqualTo(1);
    }

    @Test
    void aComparisonOfEqualAnswersIsATieWhenGoodAndBothBadWhenNot() {
        Task task = World.tasks(1, 3).get(0);
        SimulatedLabeler judge = new SimulatedLabeler("perfect", 0, 1);
        var same = JSON.readTree("{\"left\": {\"text\": %s}, \"right\": {\"text\": %s}}"
                .formatted(JSON.writeValueAsString(task.reference()), JSON.writeValueAsString(task.reference())));
        var garbage = JSON.readTree("{\"left\": {\"text\": \"zzz\"}, \"right\": {\"text\": \"qqq\"}}");
        var better = JSON.readTree("{\"left\": {\"text\": \"zzz\"}, \"right\": {\"text\": %s}}"
                .formatted(JSON.writeValueAsString(task.reference())));

        assertThat(Crowd.judgement(judge, task, same)).containsEntry("preferred", "TIE");
        assertThat(Crowd.judgement(judge, task, garbage)).containsEntry("preferred", "BOTH_BAD");
        assertThat(Crowd.judgement(judge, task, better))
                .containsEntry("preferred", "RIGHT")
                .containsEntry("likertLeft", 1)
                .containsEntry("likertRight", 7);
    }

    @Test
    void higherAgreementMeansLessJudgementNoise() {
        List<Task> tasks = World.tasks(200, 3);
        assertThat(Crowd.noiseFor(0.9, tasks, 1)).isLessThan(Crowd.noiseFor(0.7, tasks, 1));
    }

    @Test
    void settingsRefuseImpossibleCrowds() {
        assertThatThrownBy(() -> settings(0, 0.73)).hasMessageContaining("--labelers must be between 1 and 500");
        assertThatThrownBy(() -> settings(2, 0.4)).hasMessageContaining("--agreement must be above 0.5");
    }

    private static Crowd.Settings settings(int labelers, double agreement) {
        return new Crowd.Settings(
                URI.create("http://localhost:1/"),
                "admin",
                "x",
                labelers,
                agreement,
                0.5,
                Duration.ZERO,
                Duration.ofMinutes(1),
                10,
                1,
                "crowd");
    }

    private static Task firstOfKind(org.instructforge.training.corpus.TaskFamily family, Task.Kind kind) {
        Random rng = new Random(5);
        for (int i = 0; i < 1_000; i++) {
            Task t = family.sample(rng);
            if (t.kind() == kind) {
                return t;
            }
        }
        throw new IllegalStateException("no " + kind + " task in " + family.name());
    }
}
