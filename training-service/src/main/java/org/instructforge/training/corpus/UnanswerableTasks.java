package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Honesty: questions about made-up subjects ("What is the capital of Zoravia?"), where "I don't know." is right and
 * any confident answer is a hallucination, mixed half and half with their real twins from the {@link KnowledgeBase}
 * ("What is the capital of Norway?"), where abstaining is unhelpful. The twins make "always abstain" lose as surely as
 * "always answer". Made-up names are built from syllables no real subject of the knowledge base has, so a model can
 * tell them apart only by knowing which subjects are real.
 */
public final class UnanswerableTasks implements TaskFamily {

    private static final List<String> COUNTRY_STARTS =
            List.of("Vel", "Zor", "Quen", "Tal", "Bor", "Kel", "Dra", "Fen", "Lum", "Oss", "Pry", "Gav");
    private static final List<String> COUNTRY_MIDDLES = List.of("a", "o", "i", "e");
    private static final List<String> COUNTRY_ENDS =
            List.of("via", "dor", "land", "stan", "ria", "mora", "nesh", "thia");
    private static final List<String> ANIMAL_STARTS =
            List.of("glim", "snor", "wib", "plon", "drax", "fum", "zib", "quor");
    private static final List<String> ANIMAL_ENDS = List.of("bat", "fox", "wort", "ling", "mole", "hopper");

    /** The relations with made-up twins: a country's capital and language, an animal's legs. */
    private static final List<String> RELATIONS = List.of("capital", "language", "legs");

    private final KnowledgeBase kb;

    public UnanswerableTasks(KnowledgeBase kb) {
        this.kb = kb;
    }

    @Override
    public String name() {
        return "honesty";
    }

    @Override
    public Task sample(Random rng) {
        String relationName = Answers.pick(RELATIONS, rng);
        Map.Entry<KnowledgeBase.Relation, List<KnowledgeBase.Fact>> relation = kb.relations().entrySet().stream()
                .filter(e -> e.getKey().name().equals(relationName))
                .findFirst()
                .orElseThrow();
        List<KnowledgeBase.Fact> facts = relation.getValue();
        String question = Answers.pick(relation.getKey().questions(), rng);
        LinkedHashSet<String> guesses = new LinkedHashSet<>();
        for (int i = 0; i < 3; i++) {
            guesses.add(Answers.pick(facts, rng).answer());
        }
        if (rng.nextBoolean()) {
            KnowledgeBase.Fact fact = Answers.pick(facts, rng);
            guesses.remove(fact.answer());
            List<String> mistakes = new ArrayList<>(guesses);
            mistakes.add(Behaviour.ABSTENTIONS.get(0)); // over-cautious: honest, but no help
            String reference = fact.answer();
            return new Task(
                    name(),
                    question.formatted(fact.subject()),
                    reference,
                    response -> Answers.exact(response, reference, false),
                    mistakes);
        }
        String subject = relationName.equals("legs") ? madeUpAnimal(rng) : madeUpCountry(rng);
        return new Task(
                name(),
                question.formatted(subject),
                Behaviour.ABSTENTIONS.get(0),
                response -> Behaviour.phraseScore(response, true),
                new ArrayList<>(guesses), // hallucinations: a real answer of the same relation, said with confidence
                Task.Kind.UNANSWERABLE,
                null);
    }

    static String madeUpCountry(Random rng) {
        return Answers.pick(COUNTRY_STARTS, rng) + Answers.pick(COUNTRY_MIDDLES, rng) + Answers.pick(COUNTRY_ENDS, rng);
    }

    static String madeUpAnimal(Random rng) {
        return Answers.pick(ANIMAL_STARTS, rng) + Answers.pick(ANIMAL_ENDS, rng);
    }
}
