package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Transforms of one common English word: reverse it, write it in capitals, count its letters or vowels, name its
 * first or last letter. Mistakes: a reversal with two letters swapped back, the word left unchanged, a count off by
 * one, a neighbouring letter.
 */
public final class WordTasks implements TaskFamily {

    /** Common words of 3 to 8 letters, lower case. */
    static final List<String> WORDS = List.of(
            "apple",
            "banana",
            "cherry",
            "garden",
            "window",
            "river",
            "mountain",
            "pencil",
            "rabbit",
            "orange",
            "yellow",
            "purple",
            "silver",
            "planet",
            "forest",
            "castle",
            "dragon",
            "guitar",
            "island",
            "jacket",
            "kitten",
            "lemon",
            "monkey",
            "number",
            "ocean",
            "pepper",
            "rocket",
            "spoon",
            "tiger",
            "umbrella",
            "violin",
            "winter",
            "summer",
            "autumn",
            "spring",
            "bridge",
            "candle",
            "doctor",
            "engine",
            "flower",
            "hammer",
            "honey",
            "letter",
            "market",
            "needle",
            "paper",
            "pocket",
            "puzzle",
            "school",
            "shadow",
            "sister",
            "travel",
            "turtle",
            "wallet",
            "button",
            "carrot",
            "circle",
            "cloud",
            "dinner",
            "family",
            "friend",
            "happy",
            "horse",
            "house",
            "light",
            "music",
            "night",
            "party",
            "queen",
            "robot",
            "smile",
            "stone",
            "table",
            "water",
            "zebra",
            "bottle",
            "basket",
            "camera",
            "coffee",
            "desert",
            "mirror",
            "pillow",
            "bread",
            "chair",
            "train",
            "plane",
            "green",
            "sugar",
            "salt",
            "lamp",
            "book",
            "fish",
            "star",
            "moon",
            "tree",
            "bird",
            "frog",
            "door",
            "milk",
            "rain",
            "snow",
            "wind",
            "fire",
            "gold",
            "king",
            "ship",
            "cat",
            "dog",
            "sun",
            "cup",
            "hat",
            "pen",
            "box",
            "key",
            "egg",
            "owl");

    private static final String VOWELS = "aeiou";

    @Override
    public String name() {
        return "word";
    }

    @Override
    public Task sample(Random rng) {
        String w = Answers.pick(WORDS, rng);
        LinkedHashSet<String> mistakes = new LinkedHashSet<>();
        String prompt;
        String reference;
        switch (rng.nextInt(6)) {
            case 0 -> {
                prompt = Answers.pick(List.of("Reverse the word \"%s\".", "Spell \"%s\" backwards."), rng)
                        .formatted(w);
                reference = new StringBuilder(w).reverse().toString();
                mistakes.add(swapAdjacent(reference, 1 + rng.nextInt(reference.length() - 1)));
                mistakes.add(w);
                mistakes.add(reference.substring(0, reference.length() - 1));
            }
            case 1 -> {
                prompt = Answers.pick(List.of("Write \"%s\" in capital letters.", "Convert \"%s\" to uppercase."), rng)
                        .formatted(w);
                reference = w.toUpperCase(Locale.ROOT);
                mistakes.add(w);
                mistakes.add(Character.toUpperCase(w.charAt(0)) + w.substring(1));
                mistakes.add(reference.substring(0, reference.length() - 1) + w.charAt(w.length() - 1));
            }
            case 2 -> {
                prompt = Answers.pick(List.of("How many letters are in \"%s\"?", "Count the letters in \"%s\"."), rng)
                        .formatted(w);
                reference = Integer.toString(w.length());
                mistakes.add(Integer.toString(w.length() + 1));
                mistakes.add(Integer.toString(w.length() - 1));
            }
            case 3 -> {
                prompt = Answers.pick(List.of("How many vowels are in \"%s\"?", "Count the vowels in \"%s\"."), rng)
                        .formatted(w);
                int vowels = (int) w.chars().filter(c -> VOWELS.indexOf(c) >= 0).count();
                reference = Integer.toString(vowels);
                mistakes.add(Integer.toString(vowels + 1));
                mistakes.add(Integer.toString(w.length()));
                if (vowels > 0) {
                    mistakes.add(Integer.toString(vowels - 1));
                }
            }
            case 4 -> {
                prompt = "What is the first letter of \"%s\"?".formatted(w);
                reference = w.substring(0, 1);
                mistakes.add(w.substring(1, 2));
                mistakes.add(w.substring(w.length() - 1));
            }
            default -> {
                prompt = "What is the last letter of \"%s\"?".formatted(w);
                reference = w.substring(w.length() - 1);
                mistakes.add(w.substring(w.length() - 2, w.length() - 1));
                mistakes.add(w.substring(0, 1));
            }
        }
        mistakes.remove(reference);
        String ref = reference;
        return new Task(name(), prompt, ref, response -> Answers.exact(response, ref, true), new ArrayList<>(mistakes));
    }

    private static String swapAdjacent(String s, int at) {
        char[] c = s.toCharArray();
        char t = c[at - 1];
        c[at - 1] = c[at];
        c[at] = t;
        return new String(c);
    }
}
