package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Constraints with many valid answers: "Name two fruits, separated by commas." There is no single answer to memorise;
 * any N distinct members of the category, comma-separated, are right. Graded as a person would: the right number of
 * distinct members is 1; otherwise half credit scaled by the share of the N asked for that are distinct members (a
 * wrong count of valid items 0.5, a repeat or a non-member less). The explicit constraint is the count.
 */
public final class OpenConstraintTasks implements TaskFamily {

    /** A category and its members, lower case. */
    private record Category(String noun, List<String> members) {}

    private static final List<Category> CATEGORIES = List.of(
            new Category(
                    "fruits",
                    List.of("apple", "pear", "plum", "grape", "mango", "kiwi", "lemon", "peach", "fig", "melon")),
            new Category(
                    "colours",
                    List.of("red", "blue", "green", "black", "white", "pink", "brown", "gray", "orange", "purple")),
            new Category(
                    "animals with four legs",
                    List.of("dog", "cat", "horse", "cow", "sheep", "goat", "lion", "tiger", "bear", "mouse")),
            new Category(
                    "European capitals",
                    List.of("paris", "rome", "berlin", "madrid", "london", "oslo", "vienna", "lisbon", "dublin")),
            new Category(
                    "planets", List.of("mercury", "venus", "earth", "mars", "jupiter", "saturn", "uranus", "neptune")),
            new Category(
                    "days of the week",
                    List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")),
            new Category(
                    "months of the year",
                    List.of(
                            "january",
                            "february",
                            "march",
                            "april",
                            "may",
                            "june",
                            "july",
                            "august",
                            "september",
                            "october",
                            "november",
                            "december")),
            new Category(
                    "vegetables",
                    List.of("carrot", "potato", "onion", "pea", "bean", "leek", "cabbage", "spinach", "corn")),
            new Category("even numbers below twenty", List.of("2", "4", "6", "8", "10", "12", "14", "16", "18")),
            new Category("words that rhyme with cat", List.of("bat", "hat", "mat", "rat", "sat", "fat", "pat")),
            new Category("vowels", List.of("a", "e", "i", "o", "u")));

    private static final List<String> COUNTS = List.of("two", "three", "four");
    private static final List<String> PHRASINGS = List.of(
            "Name %s %s, separated by commas.",
            "List %s %s, comma-separated.", "Give me %s %s.", "Name any %s %s.", "Write down %s %s.");

    @Override
    public String name() {
        return "open";
    }

    @Override
    public Task sample(Random rng) {
        int n = 2 + rng.nextInt(COUNTS.size());
        Category category = Answers.pick(CATEGORIES, rng);
        Category other =
                Answers.pick(CATEGORIES.stream().filter(c -> c != category).toList(), rng);
        List<String> members = new ArrayList<>(category.members());
        Collections.shuffle(members, rng);
        List<String> answer = members.subList(0, n);
        String prompt = Answers.pick(PHRASINGS, rng).formatted(COUNTS.get(n - 2), category.noun());
        List<String> mistakes = new ArrayList<>();
        mistakes.add(String.join(", ", members.subList(0, n + 1))); // one too many
        mistakes.add(String.join(", ", members.subList(0, n - 1))); // one too few
        List<String> repeat = new ArrayList<>(answer);
        repeat.set(n - 1, answer.get(0));
        mistakes.add(String.join(", ", repeat));
        List<String> stranger = new ArrayList<>(answer);
        stranger.set(n - 1, Answers.pick(other.members(), rng));
        if (!category.members().contains(stranger.get(n - 1))) {
            mistakes.add(String.join(", ", stranger));
        }
        Set<String> valid = new HashSet<>(category.members());
        return new Task(
                name(),
                prompt,
                String.join(", ", answer),
                response -> score(response, valid, n),
                mistakes,
                Task.Kind.ANSWER,
                response -> items(response).size() == n);
    }

    static double score(String response, Set<String> valid, int n) {
        List<String> items = items(response);
        long distinctMembers = items.stream().filter(valid::contains).distinct().count();
        if (items.size() == n && distinctMembers == n) {
            return 1;
        }
        return 0.5 * Math.min(distinctMembers, n) / n;
    }

    /** The items of a comma-separated answer (an "and" before the last one allowed), lower case. */
    static List<String> items(String response) {
        String r = Answers.normalize(response).toLowerCase(Locale.ROOT).replace(" and ", ", ");
        if (r.isBlank()) {
            return List.of();
        }
        return Arrays.stream(r.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
