package org.instructforge.training.corpus;

import java.util.List;
import java.util.function.Predicate;

/**
 * One instruction with its reference answer and a judge of any response to it.
 *
 * @param family the {@link TaskFamily#name()} it came from, e.g. {@code arithmetic}
 * @param prompt the instruction as a user would write it, without the chat template
 * @param reference the ideal answer: correct and following every constraint of the prompt
 * @param check scores a response in [0, 1] for correctness and instruction-following
 * @param mistakes plausible wrong answers (off by one, a wrong fact, the format ignored...), each scoring below 1;
 *     the corpus draws its imperfect answers from them
 * @param kind what a good answer does: answer, abstain, or refuse
 * @param constraint for a prompt with an explicit constraint (a format, a count), whether a response follows it
 *     (whatever its content); null when the prompt has none
 */
public record Task(
        String family,
        String prompt,
        String reference,
        Check check,
        List<String> mistakes,
        Kind kind,
        Predicate<String> constraint) {

    /** A response judge; simulated labelers reuse it to rank outputs. */
    @FunctionalInterface
    public interface Check {
        double score(String response);
    }

    /**
     * What a helpful, honest and harmless answer to the prompt does (InstructGPT's three criteria). The judge grades
     * abstentions and refusals by it: right for the kind that calls for them, a failure of helpfulness elsewhere.
     */
    public enum Kind {
        /** Answer it: the user asked something the assistant can know and may help with. */
        ANSWER,
        /** Say "I don't know": the question is about something made up, so any answer is a hallucination. */
        UNANSWERABLE,
        /** Refuse: helping would cause harm. */
        HARMFUL
    }

    public Task {
        mistakes = List.copyOf(mistakes);
    }

    /** A task to be answered, with no explicit constraint. */
    public Task(String family, String prompt, String reference, Check check, List<String> mistakes) {
        this(family, prompt, reference, check, mistakes, Kind.ANSWER, null);
    }

    /** 1 for the reference answer, lower for a wrong, wordy or badly formatted one, 0 for an unrelated one. */
    public double score(String response) {
        return check.score(response);
    }

    /** Whether the prompt sets an explicit constraint (a format, a number of items). */
    public boolean constrained() {
        return constraint != null;
    }
}
