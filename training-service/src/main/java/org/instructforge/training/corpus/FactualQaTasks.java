package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Short questions about the facts of a {@link KnowledgeBase}, answered by the fact's value (case does not matter).
 * Mistakes: the value of another fact of the same relation, i.e. a confident wrong fact.
 */
public final class FactualQaTasks implements TaskFamily {

    private final KnowledgeBase kb;
    private final List<Map.Entry<KnowledgeBase.Relation, KnowledgeBase.Fact>> facts;

    public FactualQaTasks(KnowledgeBase kb) {
        this.kb = kb;
        this.facts = kb.facts();
    }

    @Override
    public String name() {
        return "fact";
    }

    @Override
    public Task sample(Random rng) {
        Map.Entry<KnowledgeBase.Relation, KnowledgeBase.Fact> e = Answers.pick(facts, rng);
        KnowledgeBase.Relation relation = e.getKey();
        KnowledgeBase.Fact fact = e.getValue();
        String prompt = Answers.pick(relation.questions(), rng).formatted(fact.subject());
        List<KnowledgeBase.Fact> siblings = kb.relations().get(relation);
        LinkedHashSet<String> mistakes = new LinkedHashSet<>();
        for (int i = 0; i < 3; i++) {
            mistakes.add(Answers.pick(siblings, rng).answer());
        }
        mistakes.remove(fact.answer());
        if (mistakes.isEmpty()) {
            mistakes.add("I don't know");
        }
        String reference = fact.answer();
        return new Task(
                name(),
                prompt,
                reference,
                response -> Answers.exact(response, reference, false),
                new ArrayList<>(mistakes));
    }
}
