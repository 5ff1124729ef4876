package org.instructforge.web.pii;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Payment card numbers (PAN): 13-19 digits, written plain or in the groups card issuers print, passing the
 * Luhn checksum (ISO/IEC 7812-1) and starting with an issuer prefix that is in use.
 *
 * <p>Luhn alone lets one random 16-digit number in ten through, so three more filters keep order ids, IMEIs
 * and hashes out: the issuer prefix, printed-group shapes (4-4-4-4, Amex 4-6-5, ...), and no id cue
 * ("order", "tracking", "IMEI") shortly before the number unless a card cue is there too.
 */
final class CardDetector implements PiiDetector {

    private static final String ID_WORDS = "(?:order|invoice|ticket|tracking|ref|reference|id|sku|serial|imei|iccid|"
            + "isbn|confirmation|booking|transaction|txn|account|acct|case)";
    // Unformatted digits: an id word anywhere in the 40 characters before ("the IMEI — mine is 3569...").
    private static final Pattern ID_CUE_NEAR = Pattern.compile("\\b" + ID_WORDS + "\\b|#\\s*$");
    // Printed card groups are strong evidence themselves: only an id label right before overrides them.
    private static final Pattern ID_CUE_RIGHT_BEFORE =
            Pattern.compile("\\b" + ID_WORDS + "\\s*(?:no\\.?|number|#)?\\s*[#:]?\\s*$");
    private static final Pattern CARD_CUE = Pattern.compile(
            "(?:card|visa|mastercard|amex|american express|discover|\\bcc\\b|credit|debit|\\bpan\\b|payment|"
                    + "pay with|charge)");

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (TextContext.countAsciiDigits(text, 13) < 13) {
            return;
        }
        int n = text.length();
        int i = 0;
        int[] groupStart = new int[32];
        int[] groupEnd = new int[32];
        while (i < n) {
            if (!TextContext.isAsciiDigit(text.charAt(i))) {
                i++;
                continue;
            }
            // Collect a run of digit groups joined by exactly one space or hyphen.
            int groups = 0;
            int runStart = i;
            int k = i;
            while (true) {
                int gs = k;
                while (k < n && TextContext.isAsciiDigit(text.charAt(k))) {
                    k++;
                }
                if (groups < groupStart.length) {
                    groupStart[groups] = gs;
                    groupEnd[groups] = k;
                }
                groups++;
                if (k + 1 < n
                        && (text.charAt(k) == ' ' || text.charAt(k) == '-')
                        && TextContext.isAsciiDigit(text.charAt(k + 1))) {
                    k++;
                } else {
                    break;
                }
            }
            int runEnd = k;
            i = runEnd;
            if (groups > groupStart.length || !cleanBoundaries(text, runStart, runEnd)) {
                continue;
            }
            findInRun(text, groupStart, groupEnd, groups, out);
        }
    }

    /** A run glued to letters ("a41111...") or to a decimal point is part of a hash, an id or a number. */
    private static boolean cleanBoundaries(String text, int start, int end) {
        if (TextContext.wordCharAt(text, start - 1) || TextContext.wordCharAt(text, end)) {
            return false;
        }
        if (start >= 2
                && (text.charAt(start - 1) == '.' || text.charAt(start - 1) == ',')
                && TextContext.isAsciiDigit(text.charAt(start - 2))) {
            return false;
        }
        return !(end + 1 < text.length()
                && (text.charAt(end) == '.' || text.charAt(end) == ',')
                && TextContext.isAsciiDigit(text.charAt(end + 1)));
    }

    /**
     * Tries contiguous group ranges, longest first, so "4111 1111 1111 1111 12 28" still yields the card
     * even though the expiry digits continue the run.
     */
    private static void findInRun(String text, int[] gs, int[] ge, int groups, List<PiiDetection> out) {
        int from = 0;
        while (from < groups) {
            boolean found = false;
            for (int to = groups - 1; to >= from && !found; to--) {
                if (isCard(text, gs, ge, from, to, groups)) {
                    out.add(PiiDetection.of(PiiType.CARD, text, gs[from], ge[to], 0.97, "card-luhn"));
                    from = to + 1;
                    found = true;
                }
            }
            if (!found) {
                from++;
            }
        }
    }

    private static boolean isCard(String text, int[] gs, int[] ge, int from, int to, int groups) {
        int digits = 0;
        for (int g = from; g <= to; g++) {
            digits += ge[g] - gs[g];
        }
        if (digits < 13 || digits > 19) {
            return false;
        }
        // A sub-range of a hyphenated run (UUID-like "12345678-1234-1234-...") is never a card.
        if (from > 0 && text.charAt(gs[from] - 1) == '-' || to < groups - 1 && text.charAt(ge[to]) == '-') {
            return false;
        }
        if (!printedShape(text, gs, ge, from, to)) {
            return false;
        }
        char[] pan = new char[digits];
        int p = 0;
        for (int g = from; g <= to; g++) {
            for (int k = gs[g]; k < ge[g]; k++) {
                pan[p++] = text.charAt(k);
            }
        }
        if (!hasIssuerPrefix(pan) || !luhnValid(pan)) {
            return false;
        }
        // Make sure it is not announced as an order/tracking/reference/device number.
        String before = TextContext.before(text, gs[from], 40);
        Pattern idCue = from == to ? ID_CUE_NEAR : ID_CUE_RIGHT_BEFORE;
        return !idCue.matcher(before).find() || CARD_CUE.matcher(before).find();
    }

    /** Plain digits, or the groupings printed on cards: 4-4-4-4(-1..3), 4-4-4-1, Amex 4-6-5, Diners 4-6-4. */
    private static boolean printedShape(String text, int[] gs, int[] ge, int from, int to) {
        int count = to - from + 1;
        if (count == 1) {
            return true;
        }
        char sep = text.charAt(ge[from]);
        for (int g = from; g < to; g++) {
            if (text.charAt(ge[g]) != sep) {
                return false; // "4111-1111 1111-1111" mixes separators: not something anyone prints
            }
        }
        if (count == 3 && ge[from] - gs[from] == 4 && ge[from + 1] - gs[from + 1] == 6) {
            int last = ge[to] - gs[to];
            return last == 5 || last == 4;
        }
        for (int g = from; g < to; g++) {
            if (ge[g] - gs[g] != 4) {
                return false;
            }
        }
        int last = ge[to] - gs[to];
        return last >= 1 && last <= 4;
    }

    /**
     * Major-network IIN ranges: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/644-649/65,
     * Diners 300-305/36/38, JCB 3528-3589, UnionPay 62, Maestro 50/56-69. Digits starting 0, 1, 7, 8 or 9
     * are never consumer cards, which alone removes a large share of Luhn-passing ids.
     */
    static boolean hasIssuerPrefix(char[] pan) {
        int d1 = pan[0] - '0';
        int d2 = (pan[0] - '0') * 10 + (pan[1] - '0');
        int d4 = d2 * 100 + (pan[2] - '0') * 10 + (pan[3] - '0');
        return switch (d1) {
            case 4 -> true;
            case 5 -> d2 >= 50 && d2 <= 59;
            case 2 -> d4 >= 2221 && d4 <= 2720;
            case 3 ->
                d2 == 34
                        || d2 == 37
                        || d2 == 36
                        || d2 == 38
                        || (d4 >= 3000 && d4 <= 3059)
                        || (d4 >= 3528 && d4 <= 3589);
            case 6 -> true;
            default -> false;
        };
    }

    /** Luhn mod-10: double every second digit from the right, subtract 9 from two-digit results, sum % 10 == 0. */
    static boolean luhnValid(char[] digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length - 1; i >= 0; i--) {
            int d = digits[i] - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    static boolean luhnValid(String digits) {
        return luhnValid(digits.toCharArray());
    }
}
