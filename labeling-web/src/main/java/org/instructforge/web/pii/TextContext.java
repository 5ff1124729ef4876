package org.instructforge.web.pii;

import java.util.Locale;
import java.util.regex.Pattern;

/** Small helpers for looking at the words around a candidate; only called once a candidate exists. */
final class TextContext {

    private TextContext() {}

    /** The {@code window} characters before {@code start}, lower-cased, for cue-word regexes. */
    static String before(String text, int start, int window) {
        return text.substring(Math.max(0, start - window), start).toLowerCase(Locale.ROOT);
    }

    /** The {@code window} characters after {@code end}, lower-cased. */
    static String after(String text, int end, int window) {
        return text.substring(end, Math.min(text.length(), end + window)).toLowerCase(Locale.ROOT);
    }

    static boolean cueBefore(String text, int start, int window, Pattern cue) {
        return cue.matcher(before(text, start, window)).find();
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Letter or digit in any script: a token character that must not touch a numeric candidate. */
    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static boolean wordCharAt(String text, int index) {
        return index >= 0 && index < text.length() && isWordChar(text.charAt(index));
    }

    static int countAsciiDigits(String text, int stopAt) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && ++n >= stopAt) {
                return n;
            }
        }
        return n;
    }
}
