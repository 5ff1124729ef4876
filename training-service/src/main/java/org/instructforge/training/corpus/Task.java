package org.instructforge.training.corpus;

import java.util.List;

/**
 * One instruction with its reference answer and a judge of any response to it.
 *
 * @param family the {@link TaskFamily#name()} it came from, e.g. {@code arithmetic}
 * @param prompt the instruction as a user would write it, without the chat template
 * @param reference the ideal answer: correct and following every constraint of the prompt
 * @param check scores a response in [0, 1] for correctness and instruction-following
 * @param mistakes plausible wrong answers (off by one, a wrong fact, the format ignored...), each scoring below 1;
 *     the corpus draws its imperfect answers from them
 */
public record Task(String family, String prompt, String reference, Check check, List<String> mistakes) {

    /** A response judge; simulated labelers reuse it to rank outputs. */
    @FunctionalInterface
    public interface Check {
        double score(String response);
    }

    public Task {
        mistakes = List.copyOf(mistakes);
    }

    /** 1 for the reference answer, lower for a wrong, wordy or badly formatted one, 0 for an unrelated one. */
    public double score(String response) {
        return check.score(response);
    }
}
