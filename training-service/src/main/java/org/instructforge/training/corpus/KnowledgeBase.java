package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small built-in knowledge base of simple facts, grouped by relation. The questions about them form the factual QA
 * family; a wrong answer is another fact's value from the same relation (the capital of the wrong country).
 *
 * @param relations relation to its facts, in a fixed order
 */
public record KnowledgeBase(Map<Relation, List<Fact>> relations) {

    /** A kind of fact and the question templates that ask for it ({@code %s} is the subject). */
    public record Relation(String name, List<String> questions) {}

    /** One fact: the question's subject and its answer. */
    public record Fact(String subject, String answer) {}

    public int size() {
        return relations.values().stream().mapToInt(List::size).sum();
    }

    /** Every fact as (relation, fact), in a fixed order. */
    public List<Map.Entry<Relation, Fact>> facts() {
        List<Map.Entry<Relation, Fact>> all = new ArrayList<>();
        relations.forEach((r, facts) -> facts.forEach(f -> all.add(Map.entry(r, f))));
        return all;
    }

    /** The facts the base model's corpus draws on: capitals, animals' legs, colours, planets, opposites, languages. */
    public static KnowledgeBase builtIn() {
        Map<Relation, List<Fact>> kb = new LinkedHashMap<>();
        kb.put(
                new Relation(
                        "capital",
                        List.of(
                                "What is the capital of %s?",
                                "Name the capital city of %s.", "Which city is the capital of %s?")),
                facts(
                        "France",
                        "Paris",
                        "Germany",
                        "Berlin",
                        "Italy",
                        "Rome",
                        "Spain",
                        "Madrid",
                        "Portugal",
                        "Lisbon",
                        "Japan",
                        "Tokyo",
                        "China",
                        "Beijing",
                        "India",
                        "New Delhi",
                        "Egypt",
                        "Cairo",
                        "Canada",
                        "Ottawa",
                        "Australia",
                        "Canberra",
                        "Brazil",
                        "Brasilia",
                        "Mexico",
                        "Mexico City",
                        "Russia",
                        "Moscow",
                        "Greece",
                        "Athens",
                        "Norway",
                        "Oslo",
                        "Sweden",
                        "Stockholm",
                        "Finland",
                        "Helsinki",
                        "Poland",
                        "Warsaw",
                        "Austria",
                        "Vienna",
                        "Ireland",
                        "Dublin",
                        "Kenya",
                        "Nairobi",
                        "Peru",
                        "Lima",
                        "Chile",
                        "Santiago",
                        "Argentina",
                        "Buenos Aires",
                        "Turkey",
                        "Ankara",
                        "Thailand",
                        "Bangkok",
                        "South Korea",
                        "Seoul",
                        "Cuba",
                        "Havana",
                        "Denmark",
                        "Copenhagen"));
        kb.put(
                new Relation("legs", List.of("How many legs does a %s have?", "A %s has how many legs?")),
                facts(
                        "dog",
                        "4",
                        "cat",
                        "4",
                        "horse",
                        "4",
                        "cow",
                        "4",
                        "spider",
                        "8",
                        "ant",
                        "6",
                        "bee",
                        "6",
                        "chicken",
                        "2",
                        "duck",
                        "2",
                        "snake",
                        "0",
                        "fish",
                        "0",
                        "octopus",
                        "8",
                        "crab",
                        "10",
                        "frog",
                        "4",
                        "beetle",
                        "6",
                        "penguin",
                        "2",
                        "kangaroo",
                        "2",
                        "sheep",
                        "4",
                        "butterfly",
                        "6",
                        "lobster",
                        "10"));
        kb.put(
                new Relation("colour", List.of("What colour is %s?", "What is the colour of %s?")),
                facts(
                        "the sky on a clear day",
                        "blue",
                        "grass",
                        "green",
                        "snow",
                        "white",
                        "a banana",
                        "yellow",
                        "coal",
                        "black",
                        "a ripe tomato",
                        "red",
                        "an orange",
                        "orange",
                        "milk",
                        "white",
                        "a lemon",
                        "yellow",
                        "a frog",
                        "green",
                        "blood",
                        "red",
                        "the sun",
                        "yellow",
                        "chocolate",
                        "brown",
                        "an emerald",
                        "green",
                        "a ruby",
                        "red"));
        kb.put(
                new Relation(
                        "planet",
                        List.of("Which planet is %s from the sun?", "Name the planet that is %s from the sun.")),
                facts(
                        "first", "Mercury", "second", "Venus", "third", "Earth", "fourth", "Mars", "fifth", "Jupiter",
                        "sixth", "Saturn", "seventh", "Uranus", "eighth", "Neptune"));
        kb.put(
                new Relation("opposite", List.of("What is the opposite of %s?", "Give the opposite of \"%s\".")),
                facts(
                        "hot", "cold", "big", "small", "up", "down", "fast", "slow", "happy", "sad", "light", "dark",
                        "open", "closed", "old", "young", "early", "late", "full", "empty", "hard", "soft", "wet",
                        "dry", "left", "right", "day", "night", "strong", "weak", "loud", "quiet", "rich", "poor",
                        "win", "lose", "push", "pull", "in", "out"));
        kb.put(
                new Relation(
                        "language", List.of("What language is spoken in %s?", "Which language do people speak in %s?")),
                facts(
                        "France",
                        "French",
                        "Germany",
                        "German",
                        "Spain",
                        "Spanish",
                        "Italy",
                        "Italian",
                        "Japan",
                        "Japanese",
                        "China",
                        "Chinese",
                        "Russia",
                        "Russian",
                        "Portugal",
                        "Portuguese",
                        "Greece",
                        "Greek",
                        "Poland",
                        "Polish",
                        "Sweden",
                        "Swedish",
                        "Turkey",
                        "Turkish",
                        "Brazil",
                        "Portuguese",
                        "Mexico",
                        "Spanish",
                        "Egypt",
                        "Arabic",
                        "Thailand",
                        "Thai",
                        "Finland",
                        "Finnish",
                        "Norway",
                        "Norwegian"));
        return new KnowledgeBase(kb);
    }

    private static List<Fact> facts(String... subjectAnswerPairs) {
        List<Fact> out = new ArrayList<>();
        for (int i = 0; i < subjectAnswerPairs.length; i += 2) {
            out.add(new Fact(subjectAnswerPairs[i], subjectAnswerPairs[i + 1]));
        }
        return List.copyOf(out);
    }
}
