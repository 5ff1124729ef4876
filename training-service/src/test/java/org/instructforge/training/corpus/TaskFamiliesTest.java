package org.instructforge.training.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TaskFamiliesTest {

    static Stream<TaskFamily> families() {
        return TaskFamily.defaults().stream();
    }

    @ParameterizedTest
    @MethodSource("families")
    void referenceAnswerScoresOneAndEveryMistakeScoresLess(TaskFamily family) {
        Random rng = new Random(7);
        for (int i = 0; i < 500; i++) {
            Task task = family.sample(rng);
            assertThat(task.family()).isEqualTo(family.name());
            assertThat(task.score(task.reference())).as(task.prompt()).isEqualTo(1.0);
            assertThat(task.mistakes()).as(task.prompt()).isNotEmpty();
            for (String mistake : task.mistakes()) {
                assertThat(task.score(mistake))
                        .as("%s -> %s", task.prompt(), mistake)
                        .isLessThan(1.0)
                        .isGreaterThanOrEqualTo(0.0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void anUnrelatedAnswerScoresAtMostHalf(TaskFamily family) {
        Random rng = new Random(8);
        for (int i = 0; i < 200; i++) {
            Task task = family.sample(rng);
            // Half credit at most: a JSON-formatted task still gets the format half for a well-formed wrong answer.
            assertThat(task.score("I like turtles")).as(task.prompt()).isLessThanOrEqualTo(0.5);
            assertThat(task.score("")).as(task.prompt()).isLessThanOrEqualTo(0.5);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void theSameSeedGivesTheSameTasks(TaskFamily family) {
        List<String> first = Stream.generate(new Sampler(family, 3)).limit(50).toList();
        List<String> again = Stream.generate(new Sampler(family, 3)).limit(50).toList();
        List<String> other = Stream.generate(new Sampler(family, 4)).limit(50).toList();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @org.junit.jupiter.api.Test
    void arithmeticWantsTheBareNumberAndGivesHalfForAWordyOne() {
        Task task = find(
                new ArithmeticTasks(),
                t -> t.prompt().startsWith("What is") && t.prompt().contains("+"));
        String answer = task.reference();
        assertThat(task.score(answer + ".")).isEqualTo(1.0);
        assertThat(task.score("The answer is " + answer + ".")).isEqualTo(0.5);
        assertThat(task.score(Integer.toString(Integer.parseInt(answer) + 1))).isZero();
    }

    @org.junit.jupiter.api.Test
    void wordTransformsAreCaseSensitiveWhereCaseIsTheTask() {
        Task upper = find(new WordTasks(), t -> t.prompt().startsWith("Write \"apple\""));
        assertThat(upper.reference()).isEqualTo("APPLE");
        assertThat(upper.score("apple")).isZero();
        Task reverse = find(new WordTasks(), t -> t.prompt().equals("Reverse the word \"apple\"."));
        assertThat(reverse.reference()).isEqualTo("elppa");
        assertThat(reverse.score("elpap")).isZero();
    }

    @org.junit.jupiter.api.Test
    void sortingNeedsEveryItemInOrder() {
        Task sort = find(new ListTasks(), t -> t.prompt().startsWith("Sort these words alphabetically"));
        List<String> items = List.of(sort.reference().split(", "));
        assertThat(items).isSorted();
        List<String> reversed = new java.util.ArrayList<>(items);
        java.util.Collections.reverse(reversed);
        assertThat(sort.score(String.join(", ", reversed))).isZero();
        assertThat(sort.score("Here is the sorted list: " + sort.reference() + "."))
                .isEqualTo(0.5);
    }

    @org.junit.jupiter.api.Test
    void factsIgnoreCaseButNotTheFact() {
        Task capital = find(
                new FactualQaTasks(KnowledgeBase.builtIn()), t -> t.prompt().equals("What is the capital of France?"));
        assertThat(capital.score("Paris")).isEqualTo(1.0);
        assertThat(capital.score("paris.")).isEqualTo(1.0);
        assertThat(capital.score("Lyon")).isZero();
        assertThat(capital.mistakes()).doesNotContain("Paris");
    }

    @org.junit.jupiter.api.Test
    void knowledgeBaseHoldsAroundAHundredFacts() {
        assertThat(KnowledgeBase.builtIn().size()).isBetween(60, 150);
    }

    @org.junit.jupiter.api.Test
    void formatConstraintsGiveHalfForTheRightAnswerInTheWrongFormat() {
        FormatConstraintTasks format = new FormatConstraintTasks();
        Task caps = find(
                format,
                t -> t.prompt().endsWith("Answer in capital letters.")
                        && t.reference().equals("PARIS"));
        assertThat(caps.score("PARIS")).isEqualTo(1.0);
        assertThat(caps.score("Paris")).isEqualTo(0.5);
        assertThat(caps.score("LYON")).isEqualTo(0.5);

        Task json = find(
                format,
                t -> t.prompt().endsWith("JSON with the key \"answer\".")
                        && t.family().equals("format"));
        String plain = json.reference().replaceAll("^\\{\"answer\": \"(.*)\"}$", "$1");
        assertThat(json.score(json.reference())).isEqualTo(1.0);
        assertThat(json.score(plain)).isEqualTo(0.5);
        assertThat(json.score("{\"answer\": \"certainly not " + plain + "x\"}")).isEqualTo(0.5);

        Task oneWord = find(format, t -> t.prompt().endsWith("Answer in one word."));
        assertThat(oneWord.score(oneWord.reference())).isEqualTo(1.0);
        assertThat(oneWord.score("The answer is " + oneWord.reference() + ".")).isEqualTo(0.25);
    }

    /** The first task the family samples (over successive seeds) that matches. */
    static Task find(TaskFamily family, Predicate<Task> wanted) {
        Random rng = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            Task t = family.sample(rng);
            if (wanted.test(t)) {
                return t;
            }
        }
        throw new AssertionError("No matching task sampled from " + family.name());
    }

    private record Sampler(TaskFamily family, Random rng) implements java.util.function.Supplier<String> {
        Sampler(TaskFamily family, long seed) {
            this(family, new Random(seed));
        }

        @Override
        public String get() {
            Task t = family.sample(rng);
            return t.prompt() + " => " + t.reference();
        }
    }
}
