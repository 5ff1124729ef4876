package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * Transforms of a short list of words: sort it, reverse it, name its first or last item, count its items, or join
 * space-separated words with commas. Answers are comma-separated lists or single items. Mistakes: two items out of
 * order, an item dropped, a neighbouring item, a count off by one.
 */
public final class ListTasks implements TaskFamily {

    private static final List<List<String>> POOLS = List.of(
            List.of("apple", "pear", "plum", "grape", "mango", "kiwi", "lemon", "peach", "fig", "melon"),
            List.of("red", "blue", "green", "black", "white", "pink", "brown", "gray", "orange", "purple"),
            List.of("cat", "dog", "horse", "lion", "mouse", "sheep", "goat", "bear", "wolf", "duck"),
            List.of("paris", "rome", "berlin", "madrid", "london", "oslo", "vienna", "lisbon", "dublin", "prague"));

    @Override
    public String name() {
        return "list";
    }

    @Override
    public Task sample(Random rng) {
        List<String> pool = new ArrayList<>(Answers.pick(POOLS, rng));
        java.util.Collections.shuffle(pool, rng);
        List<String> items = pool.subList(0, 3 + rng.nextInt(3)); // 3 to 5 distinct items
        String shown = String.join(", ", items);
        LinkedHashSet<String> mistakes = new LinkedHashSet<>();
        String prompt;
        List<String> answer;
        switch (rng.nextInt(6)) {
            case 0 -> {
                prompt = Answers.pick(
                                List.of("Sort these words alphabetically: %s.", "Put in alphabetical order: %s."), rng)
                        .formatted(shown);
                answer = items.stream().sorted().toList();
                mistakes.add(join(swapped(answer, 1 + rng.nextInt(answer.size() - 1))));
                mistakes.add(shown);
            }
            case 1 -> {
                prompt = "Reverse the order of this list: %s.".formatted(shown);
                answer = new ArrayList<>(items);
                java.util.Collections.reverse(answer);
                mistakes.add(shown);
                mistakes.add(join(answer.subList(0, answer.size() - 1)));
            }
            case 2 -> {
                prompt = "What is the first item in this list: %s?".formatted(shown);
                answer = items.subList(0, 1);
                mistakes.add(items.get(1));
                mistakes.add(items.get(items.size() - 1));
            }
            case 3 -> {
                prompt = "What is the last item in this list: %s?".formatted(shown);
                answer = items.subList(items.size() - 1, items.size());
                mistakes.add(items.get(items.size() - 2));
                mistakes.add(items.get(0));
            }
            case 4 -> {
                prompt = "How many items are in this list: %s?".formatted(shown);
                answer = List.of(Integer.toString(items.size()));
                mistakes.add(Integer.toString(items.size() + 1));
                mistakes.add(Integer.toString(items.size() - 1));
            }
            default -> {
                prompt = "Join these words with commas: %s.".formatted(String.join(" ", items));
                answer = items;
                mistakes.add(String.join(" ", items));
                mistakes.add(join(items.subList(0, items.size() - 1)));
            }
        }
        String reference = join(answer);
        mistakes.remove(reference);
        mistakes.add(Behaviour.ABSTENTIONS.get(1)); // honest when unsure: below the right list, above a wrong one
        return new Task(
                name(),
                prompt,
                reference,
                response -> Answers.exact(response, reference, false),
                new ArrayList<>(mistakes));
    }

    private static String join(List<String> items) {
        return String.join(", ", items);
    }

    private static List<String> swapped(List<String> items, int at) {
        List<String> out = new ArrayList<>(items);
        java.util.Collections.swap(out, at - 1, at);
        return out;
    }
}
