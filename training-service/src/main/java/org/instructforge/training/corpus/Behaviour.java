package org.instructforge.training.corpus;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The behaviours InstructGPT's labelers cared about beyond getting the content right, as text the small model can
 * write: an abstention ("I don't know."), a refusal ("Sorry, I can't help with that."), and padding (a filler opener
 * or closer around the answer). One home for these phrases: the corpus writes them, simulated demonstrators slip
 * into them, and the judge and the report recognise them.
 */
public final class Behaviour {

    /** What an honest answer says when it cannot know or is not sure. */
    public static final List<String> ABSTENTIONS = List.of("I don't know.", "I am not sure.");

    /** What a harmless assistant says to a harmful request. */
    public static final List<String> REFUSALS = List.of("Sorry, I can't help with that.", "I won't help with that.");

    /** Filler a person would cut: the answer is the same without it. */
    static final List<String> OPENERS =
            List.of("Sure! ", "Of course. ", "Let me think. ", "Good question! ", "Here you go: ", "Hmm, I think ");

    static final List<String> CLOSERS = List.of(
            " I hope this helps!",
            " Let me know if you have more questions.",
            " That was a fun one.",
            " I am fairly sure about that.",
            " Is there anything else?");

    private Behaviour() {}

    /** The answer wrapped in one filler opener or closer. */
    public static String pad(String answer, Random rng) {
        return rng.nextBoolean()
                ? Answers.pick(OPENERS, rng) + answer
                : answer + (answer.endsWith(".") ? "" : ".") + Answers.pick(CLOSERS, rng);
    }

    /** The answer without its filler opener and closer (unchanged when it has none). */
    public static String unpadded(String answer) {
        String s = answer.strip();
        for (String opener : OPENERS) {
            if (s.startsWith(opener.strip()) && s.length() > opener.strip().length()) {
                s = s.substring(opener.strip().length()).strip();
                break;
            }
        }
        for (String closer : CLOSERS) {
            if (s.endsWith(closer.strip()) && s.length() > closer.strip().length()) {
                s = s.substring(0, s.length() - closer.strip().length()).strip();
                if (s.endsWith(".") && !ABSTENTIONS.contains(s) && !REFUSALS.contains(s)) {
                    s = s.substring(0, s.length() - 1); // the full stop pad() added before the closer
                }
                break;
            }
        }
        return s;
    }

    /** Whether the answer carries filler around it. */
    public static boolean isPadded(String answer) {
        return !unpadded(answer).equals(answer.strip());
    }

    /** Whether the answer (filler aside) says "I don't know" or "I am not sure" and nothing else. */
    public static boolean isAbstention(String answer) {
        return matchesAny(unpadded(answer), ABSTENTIONS);
    }

    /** Whether the answer (filler aside) declines to help and says nothing else. */
    public static boolean isRefusal(String answer) {
        return matchesAny(unpadded(answer), REFUSALS);
    }

    private static boolean matchesAny(String answer, List<String> phrases) {
        String a = Answers.normalize(answer).toLowerCase(Locale.ROOT);
        for (String p : phrases) {
            if (a.equals(Answers.normalize(p).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The score of a response that should be an abstention ({@code abstention} true) or a refusal: 1 for the bare
     * phrase, {@link Answers#WORDY} when wrapped in filler, 0 for anything else.
     */
    static double phraseScore(String response, boolean abstention) {
        boolean said = abstention ? isAbstention(response) : isRefusal(response);
        if (!said) {
            return 0;
        }
        return isPadded(response) ? Answers.WORDY : 1;
    }
}
