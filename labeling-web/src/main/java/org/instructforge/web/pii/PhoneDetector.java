package org.instructforge.web.pii;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phone numbers, validated by libphonenumber against the numbering plan of their country.
 *
 * <p>libphonenumber costs 10-30 us per parse and more per {@code findNumbers} call, so a hand-written scan
 * first finds digit runs shaped like a phone number (7-15 digits joined by the separators people use), drops
 * dates, versions and identifiers, and (for North American regions) checks NPA-NXX-XXXX structure by
 * hand; only the survivors go to libphonenumber. Numbers written with
 * {@code +CC} (or the {@code 00CC} international prefix most of the world dials) are found whatever the
 * regions; national formats ({@code (415) 555-0132}, {@code 0151 23456789}, {@code 07700 900123}) are read in
 * each of the dataset's {@link PhoneRegions} in turn, and kept only when libphonenumber finds them valid there
 * (a real area code or mobile prefix of the right length), which keeps order numbers and ids out.
 */
final class PhoneDetector implements PiiDetector {

    private static final int MAX_DIGITS = 15; // ITU-T E.164

    // A bare digit run after one of these words is an identifier that happens to be a valid number.
    private static final Pattern IDENTIFIER_CUE = Pattern.compile(
            "(?:order|invoice|ticket|tracking|ref|reference|id|sku|isbn|serial|account|acct|konto\\w*|case|po|"
                    + "confirmation|booking|transaction|txn|#|no\\.|number:?)\\s*[#:]?\\s*$");
    private static final Pattern ISO_DATE =
            Pattern.compile("(?:19|20)\\d\\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])");
    /** "04/12/1988", "3.4.25": day, month and year, which some numbering plans would accept as a number. */
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile("\\d{1,2}([./-])\\d{1,2}\\1(?:\\d{2}|\\d{4})");
    /**
     * Regions whose mobile numbers people write without the trunk prefix ("98201 44567", "11 98765-4321",
     * "138 0013 8000", "55 1234 5678"); elsewhere a national number without it is an id or a date far more often.
     */
    private static final Set<String> MOBILES_WITHOUT_TRUNK_PREFIX = Set.of("IN", "BR", "CN", "MX");

    private static final Pattern PHONE_CUE =
            Pattern.compile("(?:phone|tel|call|mobile|cell|text|sms|whatsapp|fax|reach|contact|ring|dial)");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    /** The first region that dials +1 (US, CA, ...), if any: its numbers get the cheap hand-written pre-check. */
    private final String nanpRegion;
    /** The other regions, in the dataset's order: national numbers are parsed and validated in each. */
    private final List<String> otherRegions;
    /** Shortest national number considered in any region: shorter runs without +CC are skipped. */
    private final int minNationalDigits;

    PhoneDetector(PhoneRegions regions) {
        this.nanpRegion = regions.codes().stream()
                .filter(r -> util.getCountryCodeForRegion(r) == 1)
                .findFirst()
                .orElse(null);
        // One +1 region reads every North American number: the plan is shared, only area codes differ.
        this.otherRegions = regions.codes().stream()
                .filter(r -> util.getCountryCodeForRegion(r) != 1)
                .toList();
        // North American numbers are always dialled with all 10 digits; elsewhere national numbers are
        // as short as 7 digits (libphonenumber's per-region metadata is not public API).
        this.minNationalDigits = otherRegions.isEmpty() ? 10 : 7;
    }

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (TextContext.countAsciiDigits(text, 7) < 7) {
            return; // no phone number anywhere has fewer than 7 digits
        }
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean startsRun = (c == '+' || c == '(' || TextContext.isAsciiDigit(c)) && !gluedToToken(text, i);
            if (!startsRun) {
                i++;
                continue;
            }
            int end = scanRun(text, i);
            if (end <= i) {
                i++;
                continue;
            }
            checkCandidate(text, i, end, out);
            i = end;
        }
    }

    /** "INV-2024-000317", "v2.0.1", "x5": a run continuing a token is part of an identifier or version. */
    private static boolean gluedToToken(String text, int i) {
        if (TextContext.wordCharAt(text, i - 1)) {
            return true;
        }
        if (i >= 2) {
            char p = text.charAt(i - 1);
            return (p == '-' || p == '/' || p == '.' || p == '_' || p == '#') && TextContext.wordCharAt(text, i - 2);
        }
        return false;
    }

    /** Extends a run of digits and phone separators from {@code start}; returns its end, trailing separators trimmed. */
    private static int scanRun(String text, int start) {
        int n = text.length();
        int i = start;
        if (text.charAt(i) == '+') {
            i++;
        }
        int lastDigitEnd = -1;
        int separators = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (TextContext.isAsciiDigit(c)) {
                lastDigitEnd = i + 1;
                separators = 0;
            } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\u00a0') {
                if (++separators > 2) {
                    break;
                }
            } else {
                break;
            }
            i++;
        }
        if (lastDigitEnd < 0) {
            return -1;
        }
        return lastDigitEnd; // the candidate ends at its last digit: trailing ")", "." or "-" are punctuation
    }

    private void checkCandidate(String text, int start, int end, List<PiiDetection> out) {
        int digits = 0;
        for (int k = start; k < end; k++) {
            if (TextContext.isAsciiDigit(text.charAt(k))) {
                digits++;
            }
        }
        boolean plus = text.charAt(start) == '+';
        boolean doubleZero = !plus && text.startsWith("00", start) && digits >= 9;
        if (digits > MAX_DIGITS + (doubleZero ? 2 : 0)) {
            return; // card numbers, hashes and long ids
        }
        if (plus || doubleZero) {
            if (digits < 7) {
                return;
            }
        } else if (digits < minNationalDigits) {
            return; // dates, times, short order numbers: too short for a national number
        }
        if (TextContext.wordCharAt(text, end)) {
            return; // "5551234567abc": part of an identifier
        }
        if (ISO_DATE.matcher(text).region(start, end).lookingAt()
                || DAY_MONTH_YEAR.matcher(text).region(start, end).matches()
                || hasOneDigitDottedGroup(text, start, end)) {
            return; // "2024-05-01 12:00", "04/12/1988", "124.0.6367.118"
        }
        if (plus || doubleZero) {
            // "+CC ..." is a strong enough signal to accept any number of a plausible length for that
            // country, including ranges libphonenumber marks unassigned (e.g. the UK's 07700 900xxx).
            String international = plus ? text.substring(start, end) : "+" + text.substring(start + 2, end);
            if (isPossibleInternational(international) && !looksLikeIdentifier(text, start, end)) {
                out.add(PiiDetection.of(PiiType.PHONE, text, start, end, 0.95, plus ? "phone-intl" : "phone-00"));
                return;
            }
            if (doubleZero) {
                return;
            }
        }
        if (nanpRegion != null && findNanpNumbers(text, start, end, out)) {
            return;
        }
        // Most candidates are exactly one number: parse + validate it directly, which is several times cheaper
        // than libphonenumber's text matcher.
        String raw = text.substring(start, end);
        if (hasOneDigitGroup(raw)) {
            return; // "0-306-40615-2" (an ISBN): outside North America no plan groups a single digit
        }
        for (String region : otherRegions) {
            if (readsAsNationalNumber(raw, region)) {
                if (!looksLikeIdentifier(text, start, end) && !precededByCurrency(text, start)) {
                    out.add(PiiDetection.of(PiiType.PHONE, text, start, end, 0.9, "phone-" + region));
                }
                return;
            }
        }
        if (otherRegions.isEmpty() || digits <= minNationalDigits + 1) {
            return; // no room for a number plus extra digits: nothing for the matcher to find
        }
        // A longer run may hold a number plus neighbours ("2024 0151 23456789"): let libphonenumber's matcher
        // search it, in a window one character wider on each side so its own context checks
        // (no letter or currency symbol touching the number) still see the neighbours.
        int ws = Math.max(0, start - 1);
        int we = Math.min(text.length(), end + 1);
        String window = text.substring(ws, we);
        for (String region : otherRegions) {
            boolean found = false;
            for (PhoneNumberMatch match : util.findNumbers(window, region, Leniency.VALID, 5)) {
                int ms = ws + match.start();
                int me = ws + match.end();
                if (looksLikeIdentifier(text, ms, me) || !readsAsNationalNumber(match.rawString(), region)) {
                    continue;
                }
                out.add(PiiDetection.of(PiiType.PHONE, text, ms, me, 0.9, "phone-" + region));
                found = true;
            }
            if (found) {
                return;
            }
        }
    }

    /**
     * North American numbering plan, checked by hand before libphonenumber (whose parse + validate costs
     * 10-30 us, mostly regexes): the digit groups of the run are tried as NPA-NXX-XXXX in the shapes people
     * write (415 867 5309, (415) 867-5309, 1-800-555-0199, 4158675309); area code and exchange must start
     * with 2-9, and only survivors are validated by libphonenumber. Runs of other shapes ("1234.5678.9012",
     * "2024-03-15") never reach it.
     *
     * @return whether a number was found
     */
    private boolean findNanpNumbers(String text, int start, int end, List<PiiDetection> out) {
        boolean found = false;
        int[] gs = new int[8];
        int[] ge = new int[8];
        int groups = 0;
        for (int k = start; k < end && groups < gs.length; ) {
            if (!TextContext.isAsciiDigit(text.charAt(k))) {
                k++;
                continue;
            }
            gs[groups] = k;
            while (k < end && TextContext.isAsciiDigit(text.charAt(k))) {
                k++;
            }
            ge[groups++] = k;
        }
        for (int from = 0; from < groups; from++) {
            for (int to = from; to < groups && to < from + 4; to++) {
                if (!nanpShape(text, gs, ge, from, to)) {
                    continue;
                }
                int s = gs[from];
                // Keep "(" and "+1 (" that open the number.
                if (s > start && text.charAt(s - 1) == '(') {
                    s--;
                }
                int e = ge[to];
                if (isValidNational(text.substring(s, e), nanpRegion)
                        && !looksLikeIdentifier(text, s, e)
                        && !precededByCurrency(text, s)) {
                    out.add(PiiDetection.of(PiiType.PHONE, text, s, e, 0.9, "phone"));
                    found = true;
                    from = to;
                    break;
                }
            }
        }
        return found;
    }

    /** Group lengths [3,3,4], [3,7], [10], optionally after a "1" trunk group, with valid NPA and NXX digits. */
    private static boolean nanpShape(String text, int[] gs, int[] ge, int from, int to) {
        int g = from;
        if (ge[g] - gs[g] == 1 && text.charAt(gs[g]) == '1' && to > from) {
            g++;
        } else if (ge[g] - gs[g] == 11 && text.charAt(gs[g]) == '1' && to == from) {
            return nanpDigits(text, gs[g] + 1, gs[g] + 4);
        }
        int count = to - g + 1;
        int[] len = new int[count];
        for (int k = 0; k < count; k++) {
            len[k] = ge[g + k] - gs[g + k];
        }
        if (count == 3 && len[0] == 3 && len[1] == 3 && len[2] == 4) {
            return nanpDigits(text, gs[g], gs[g + 1]);
        }
        if (count == 2 && len[0] == 3 && len[1] == 7) {
            return nanpDigits(text, gs[g], gs[g + 1]);
        }
        if (count == 1 && len[0] == 10) {
            return nanpDigits(text, gs[g], gs[g] + 3);
        }
        return false;
    }

    /** Area code (NPA) and exchange (NXX) both start with 2-9 in the North American plan. */
    private static boolean nanpDigits(String text, int npa, int nxx) {
        return text.charAt(npa) >= '2' && text.charAt(nxx) >= '2';
    }

    private boolean isValidNational(String candidate, String region) {
        try {
            return util.isValidNumber(util.parse(candidate, region));
        } catch (NumberParseException e) {
            return false;
        }
    }

    /**
     * A national-format number of {@code region}: valid there (or in the range its regulator keeps for drama and
     * examples), and written as people of that region write phone numbers: with the trunk prefix ("0151 ...",
     * "07700 ...", "03-1234-5678"), with the area code in brackets ("(11) 3456-7890"), or as a mobile number
     * where people write those without the prefix ({@link #MOBILES_WITHOUT_TRUNK_PREFIX}). A bare run that is
     * merely valid somewhere ("20240315" is a German landline on paper, "1717245725" a German mobile) is a date,
     * a timestamp or an id far more often than a phone.
     */
    private boolean readsAsNationalNumber(String raw, String region) {
        PhoneNumber number;
        try {
            number = util.parse(raw, region);
        } catch (NumberParseException e) {
            return false;
        }
        if (!util.isValidNumber(number) && !isFictional(number, region)) {
            return false;
        }
        String trunkPrefix = util.getNddPrefixForRegion(region, true);
        boolean writtenNationally =
                raw.charAt(0) == '(' || (trunkPrefix != null && !trunkPrefix.isEmpty() && raw.startsWith(trunkPrefix));
        return writtenNationally
                || (MOBILES_WITHOUT_TRUNK_PREFIX.contains(region)
                        && util.getNumberType(number) == PhoneNumberType.MOBILE);
    }

    private static boolean hasOneDigitGroup(String raw) {
        int groupLength = 0;
        for (int k = 0; k <= raw.length(); k++) {
            if (k < raw.length() && TextContext.isAsciiDigit(raw.charAt(k))) {
                groupLength++;
            } else {
                if (groupLength == 1) {
                    return true;
                }
                groupLength = 0;
            }
        }
        return false;
    }

    /**
     * Ofcom's drama and example ranges (07700 900000-900999, 01632 960000-960999): unassigned, so libphonenumber
     * calls them invalid, but they are what British example texts and test data are written with.
     */
    private static boolean isFictional(PhoneNumber number, String region) {
        if (!"GB".equals(region)) {
            return false;
        }
        String national = Long.toString(number.getNationalNumber());
        return national.length() == 10 && (national.startsWith("7700900") || national.startsWith("1632960"));
    }

    private static boolean precededByCurrency(String text, int start) {
        int k = start - 1;
        while (k >= 0 && text.charAt(k) == ' ') {
            k--;
        }
        return k >= 0 && Character.getType(text.charAt(k)) == Character.CURRENCY_SYMBOL;
    }

    /**
     * Parses {@code +CC...} without a region. {@code 0044 20 7946 0958} (the ITU international prefix most of
     * the world dials) arrives rewritten to {@code +44...}, since libphonenumber only understands the default
     * region's own exit code (011 for the US).
     */
    private boolean isPossibleInternational(String candidate) {
        try {
            PhoneNumber number = util.parse(candidate, "ZZ");
            // IS_POSSIBLE only: "local only" lengths (7-digit US numbers without area code) are too weak here.
            return util.isPossibleNumberWithReason(number) == PhoneNumberUtil.ValidationResult.IS_POSSIBLE
                    && !"ZZ".equals(util.getRegionCodeForCountryCode(number.getCountryCode()));
        } catch (NumberParseException e) {
            return false; // no such country code or not a number: let the caller try other readings
        }
    }

    /** Dotted runs with a one-digit part are versions ("124.0.6367.118"); phones group digits in 2-4s. */
    private static boolean hasOneDigitDottedGroup(String text, int start, int end) {
        if (text.indexOf('.', start) < 0 || text.indexOf('.', start) >= end) {
            return false;
        }
        int groupLength = 0;
        for (int k = start; k < end; k++) {
            if (TextContext.isAsciiDigit(text.charAt(k))) {
                groupLength++;
            } else {
                if (groupLength == 1) {
                    return true;
                }
                groupLength = 0;
            }
        }
        return groupLength == 1;
    }

    /**
     * An unformatted digit run ("4155550123") right after "order #" or "tracking" is an id that happens to be a
     * valid number; formatted numbers and ones with a phone cue nearby are kept.
     */
    private static boolean looksLikeIdentifier(String text, int start, int end) {
        for (int k = start; k < end; k++) {
            if (!TextContext.isAsciiDigit(text.charAt(k))) {
                return false;
            }
        }
        String before = TextContext.before(text, start, 30);
        return IDENTIFIER_CUE.matcher(before).find()
                && !PHONE_CUE.matcher(before).find();
    }
}
