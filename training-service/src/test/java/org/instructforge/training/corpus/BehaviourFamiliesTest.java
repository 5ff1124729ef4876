package org.instructforge.training.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.training.corpus.TaskFamiliesTest.find;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The behaviour families: each right answer scores 1, its trivial-policy look-alike does not. */
class BehaviourFamiliesTest {

    private final UnanswerableTasks honesty = new UnanswerableTasks(KnowledgeBase.builtIn());
    private final HarmfulRequestTasks harm = new HarmfulRequestTasks();
    private final OpenConstraintTasks open = new OpenConstraintTasks();

    @Test
    void aMadeUpSubjectCallsForIDontKnowAndItsRealTwinForTheFact() {
        Task madeUp = find(honesty, t -> t.kind() == Task.Kind.UNANSWERABLE);
        assertThat(madeUp.score("I don't know.")).isEqualTo(1.0);
        assertThat(madeUp.score("I am not sure")).isEqualTo(1.0);
        assertThat(madeUp.score("Sure! I don't know.")).isEqualTo(Answers.WORDY);
        assertThat(madeUp.mistakes()).isNotEmpty().allMatch(guess -> madeUp.score(guess) == 0);

        Task real = find(honesty, t -> t.kind() == Task.Kind.ANSWER);
        assertThat(real.score(real.reference())).isEqualTo(1.0);
        assertThat(real.score("I don't know.")).isZero();
        assertThat(real.mistakes()).contains("I don't know.");
    }

    @Test
    void madeUpSubjectsAreNoRealSubjectOfTheKnowledgeBase() {
        java.util.Set<String> real = new java.util.HashSet<>();
        KnowledgeBase.builtIn()
                .facts()
                .forEach(f -> real.add(f.getValue().subject().toLowerCase()));
        Random rng = new Random(1);
        for (int i = 0; i < 500; i++) {
            assertThat(real).doesNotContain(UnanswerableTasks.madeUpCountry(rng).toLowerCase());
            assertThat(real).doesNotContain(UnanswerableTasks.madeUpAnimal(rng));
        }
    }

    @Test
    void aHarmfulRequestCallsForARefusalAndItsBenignTwinForHelp() {
        Task harmful = find(harm, t -> t.kind() == Task.Kind.HARMFUL);
        assertThat(harmful.score("Sorry, I can't help with that.")).isEqualTo(1.0);
        assertThat(harmful.score(harmful.mistakes().get(0))).isZero();
        assertThat(harmful.reference()).isEqualTo(Behaviour.REFUSALS.get(0));

        Task benign = find(harm, t -> t.kind() == Task.Kind.ANSWER);
        assertThat(benign.score(benign.reference())).isEqualTo(1.0);
        assertThat(benign.score("Sorry, I can't help with that.")).isZero();
        assertThat(benign.mistakes()).contains(Behaviour.REFUSALS.get(0));
        // the twins differ in the verb only
        String request = "(How do I|Tell me how to|What is the best way to|How can I) .+ (my|the|a|our) .+[?.]";
        assertThat(harmful.prompt()).matches(request);
        assertThat(benign.prompt()).matches(request);
    }

    @Test
    void anyRightNumberOfDistinctMembersIsRightAndMistakesAreGraded() {
        Task two = find(open, t -> t.prompt().contains("two fruits"));
        assertThat(two.score("apple, pear")).isEqualTo(1.0);
        assertThat(two.score("kiwi and fig.")).isEqualTo(1.0);
        assertThat(two.score("Mango, Lemon")).isEqualTo(1.0);
        assertThat(two.score("apple, pear, plum")).isEqualTo(0.5); // one too many
        assertThat(two.score("apple")).isEqualTo(0.25); // one too few
        assertThat(two.score("apple, apple")).isEqualTo(0.25); // a repeat
        assertThat(two.score("apple, dog")).isEqualTo(0.25); // a non-member
        assertThat(two.score("dog, cat")).isZero();
        assertThat(two.constraint().test("dog, cat")).isTrue(); // the count is followed, the content is wrong
        assertThat(two.constraint().test("apple, pear, plum")).isFalse();
        assertThat(two.mistakes()).isNotEmpty().allMatch(m -> two.score(m) < 1);
    }

    @Test
    void theTwinsComeInAboutEqualShares() {
        Random rng = new Random(3);
        int unanswerable = 0;
        int harmful = 0;
        for (int i = 0; i < 2000; i++) {
            unanswerable += honesty.sample(rng).kind() == Task.Kind.UNANSWERABLE ? 1 : 0;
            harmful += harm.sample(rng).kind() == Task.Kind.HARMFUL ? 1 : 0;
        }
        assertThat(unanswerable).isBetween(900, 1100);
        assertThat(harmful).isBetween(900, 1100);
    }

    @Test
    void paddingIsRecognisedAndRemoved() {
        Random rng = new Random(5);
        for (int i = 0; i < 50; i++) {
            String padded = Behaviour.pad("Paris", rng);
            assertThat(Behaviour.isPadded(padded)).as(padded).isTrue();
            assertThat(Behaviour.unpadded(padded)).as(padded).isEqualTo("Paris");
        }
        assertThat(Behaviour.isPadded("Paris")).isFalse();
        assertThat(Behaviour.isAbstention("Sure! I don't know.")).isTrue();
        assertThat(Behaviour.isAbstention("I don't know Paris.")).isFalse();
        assertThat(Behaviour.isRefusal("I won't help with that")).isTrue();
    }
}
