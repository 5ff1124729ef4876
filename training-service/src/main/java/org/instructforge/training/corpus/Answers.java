package org.instructforge.training.corpus;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/** Scoring and sampling helpers shared by the task families. */
public final class Answers {

    /** A correct answer buried in extra words: right, but not what was asked for. */
    public static final double WORDY = 0.5;

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Answers() {}

    /** Trimmed, inner whitespace collapsed, one trailing full stop or exclamation mark dropped. */
    public static String normalize(String response) {
        String s = SPACES.matcher(response.strip()).replaceAll(" ");
        if (s.endsWith(".") || s.endsWith("!")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    /**
     * 1 when the normalised response is the reference, {@link #WORDY} when the reference appears in it as whole
     * words among others ("The answer is 42."), 0 otherwise.
     */
    public static double exact(String response, String reference, boolean caseSensitive) {
        String r = normalize(response);
        String ref = normalize(reference);
        if (!caseSensitive) {
            r = r.toLowerCase(Locale.ROOT);
            ref = ref.toLowerCase(Locale.ROOT);
        }
        if (r.equals(ref)) {
            return 1;
        }
        return containsAsWords(r, ref) ? WORDY : 0;
    }

    /** Whether {@code needle} occurs in {@code text} with no letter or digit right before or after it. */
    static boolean containsAsWords(String text, String needle) {
        if (needle.isEmpty()) {
            return false;
        }
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            int end = at + needle.length();
            boolean startOk = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
            boolean endOk = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (startOk && endOk) {
                return true;
            }
        }
        return false;
    }

    static <T> T pick(List<T> items, Random rng) {
        return items.get(rng.nextInt(items.size()));
    }
}
