package org.instructforge.web.pii;

import java.util.List;
import java.util.Map;

/**
 * International Bank Account Numbers (ISO 13616): country code, two check digits, then a BBAN whose length is
 * fixed per country. A candidate must have exactly its country's length and pass the ISO 7064 mod-97-10
 * check, which together make an accidental match on a product code or hash practically impossible.
 * Written compact ({@code DE89370400440532013000}) or in the printed groups of four.
 */
final class IbanDetector implements PiiDetector {

    /** IBAN length per country (SWIFT IBAN registry). */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24),
            Map.entry("AE", 23),
            Map.entry("AL", 28),
            Map.entry("AT", 20),
            Map.entry("AZ", 28),
            Map.entry("BA", 20),
            Map.entry("BE", 16),
            Map.entry("BG", 22),
            Map.entry("BH", 22),
            Map.entry("BR", 29),
            Map.entry("BY", 28),
            Map.entry("CH", 21),
            Map.entry("CR", 22),
            Map.entry("CY", 28),
            Map.entry("CZ", 24),
            Map.entry("DE", 22),
            Map.entry("DK", 18),
            Map.entry("DO", 28),
            Map.entry("EE", 20),
            Map.entry("EG", 29),
            Map.entry("ES", 24),
            Map.entry("FI", 18),
            Map.entry("FO", 18),
            Map.entry("FR", 27),
            Map.entry("GB", 22),
            Map.entry("GE", 22),
            Map.entry("GI", 23),
            Map.entry("GL", 18),
            Map.entry("GR", 27),
            Map.entry("GT", 28),
            Map.entry("HR", 21),
            Map.entry("HU", 28),
            Map.entry("IE", 22),
            Map.entry("IL", 23),
            Map.entry("IQ", 23),
            Map.entry("IS", 26),
            Map.entry("IT", 27),
            Map.entry("JO", 30),
            Map.entry("KW", 30),
            Map.entry("KZ", 20),
            Map.entry("LB", 28),
            Map.entry("LC", 32),
            Map.entry("LI", 21),
            Map.entry("LT", 20),
            Map.entry("LU", 20),
            Map.entry("LV", 21),
            Map.entry("MC", 27),
            Map.entry("MD", 24),
            Map.entry("ME", 22),
            Map.entry("MK", 19),
            Map.entry("MR", 27),
            Map.entry("MT", 31),
            Map.entry("MU", 30),
            Map.entry("NL", 18),
            Map.entry("NO", 15),
            Map.entry("PK", 24),
            Map.entry("PL", 28),
            Map.entry("PS", 29),
            Map.entry("PT", 25),
            Map.entry("QA", 29),
            Map.entry("RO", 24),
            Map.entry("RS", 22),
            Map.entry("SA", 24),
            Map.entry("SC", 31),
            Map.entry("SE", 24),
            Map.entry("SI", 19),
            Map.entry("SK", 24),
            Map.entry("SM", 27),
            Map.entry("ST", 25),
            Map.entry("SV", 28),
            Map.entry("TL", 23),
            Map.entry("TN", 24),
            Map.entry("TR", 26),
            Map.entry("UA", 29),
            Map.entry("VA", 22),
            Map.entry("VG", 24),
            Map.entry("XK", 20));

    @Override
    public void detect(String text, List<PiiDetection> out) {
        int n = text.length();
        for (int i = 0; i + 15 <= n; i++) {
            // Cheap shape test before any lookup: letter, letter, digit, digit, at a word start.
            if (!isAsciiLetter(text.charAt(i))
                    || !isAsciiLetter(text.charAt(i + 1))
                    || !TextContext.isAsciiDigit(text.charAt(i + 2))
                    || !TextContext.isAsciiDigit(text.charAt(i + 3))
                    || TextContext.wordCharAt(text, i - 1)) {
                continue;
            }
            char c0 = Character.toUpperCase(text.charAt(i));
            char c1 = Character.toUpperCase(text.charAt(i + 1));
            Integer length = LENGTHS.get(String.valueOf(new char[] {c0, c1}));
            if (length == null) {
                continue;
            }
            int end = consume(text, i, length);
            if (end < 0) {
                continue;
            }
            if (mod97(text, i, end) == 1) {
                out.add(PiiDetection.of(PiiType.IBAN, text, i, end, 0.99, "iban-mod97"));
                i = end - 1;
            }
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * Reads exactly {@code length} alphanumerics from {@code start}, allowing single spaces between them;
     * returns the end index, or -1 if the text runs out or the IBAN would continue into more alphanumerics.
     */
    private static int consume(String text, int start, int length) {
        int n = text.length();
        int seen = 0;
        int i = start;
        while (i < n && seen < length) {
            char c = text.charAt(i);
            if (isAsciiLetter(c) || TextContext.isAsciiDigit(c)) {
                seen++;
                i++;
            } else if (c == ' ' && seen >= 4 && i + 1 < n && text.charAt(i + 1) != ' ') {
                i++;
            } else {
                return -1;
            }
        }
        if (seen < length || TextContext.wordCharAt(text, i)) {
            return -1;
        }
        return i;
    }

    /** ISO 7064 mod 97-10 over the IBAN rearranged (first four characters moved to the end, letters as 10..35). */
    static int mod97(String text, int start, int end) {
        int remainder = 0;
        // First pass from the fifth alphanumeric to the end, then the first four.
        int skipped = 0;
        int firstFourEnd = start;
        for (int i = start; i < end && skipped < 4; i++) {
            if (text.charAt(i) != ' ') {
                skipped++;
            }
            firstFourEnd = i + 1;
        }
        remainder = mod97Accumulate(text, firstFourEnd, end, remainder);
        return mod97Accumulate(text, start, firstFourEnd, remainder);
    }

    private static int mod97Accumulate(String text, int from, int to, int remainder) {
        for (int i = from; i < to; i++) {
            char c = Character.toUpperCase(text.charAt(i));
            if (c == ' ') {
                continue;
            }
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder;
    }

    /** Whole-string check used by tests and callers validating user input. */
    static boolean isValidIban(String iban) {
        String compact = iban.replace(" ", "");
        if (compact.length() < 15) {
            return false;
        }
        Integer length = LENGTHS.get(compact.substring(0, 2).toUpperCase(java.util.Locale.ROOT));
        return length != null && length == compact.length() && mod97(compact, 0, compact.length()) == 1;
    }
}
