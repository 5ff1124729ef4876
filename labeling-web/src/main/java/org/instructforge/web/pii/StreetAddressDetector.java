package org.instructforge.web.pii;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Street addresses: a house number plus a street name ending in a street-type word, in the orders used by
 * English-speaking countries ({@code 742 Evergreen Terrace}), German/Dutch/Nordic
 * ({@code Hauptstraße 5}), French ({@code 12 rue de la Paix}) and Spanish/Italian/Portuguese
 * ({@code Calle Mayor 10}, {@code Via Roma 12}), plus P.O. boxes. A following unit, city, state/postcode
 * is swallowed too, because a scrubbed street next to an intact "Springfield, IL 62704" still narrows a
 * person down.
 *
 * <p>English street names must be capitalised ("3 old cars on the street" is not an address); lower-case
 * addresses are accepted only after an explicit address cue ("I live at", "ship to").
 */
final class StreetAddressDetector implements PiiDetector {

    private static final String SUFFIX = "(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|"
            + "Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Crescent|Cres|"
            + "Close|Grove|Gardens|Row|Mews|Alley|Loop|Pike|Plaza|Walk|Esplanade|Embankment|Broadway)";
    private static final String DIRECTION = "(?:[NSEW]\\.?|North|South|East|West|NE|NW|SE|SW)";
    private static final String NAME_WORD = "(?:\\p{Lu}[\\p{L}'’.-]*|\\d{1,3}(?:st|nd|rd|th))";
    private static final String UNIT =
            "(?:,?\\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\\.?\\s*#?[\\w-]{1,6})?";
    private static final String CITY = "\\p{Lu}[\\p{L}.'-]+(?:\\s\\p{Lu}[\\p{L}.'-]+){0,2}";
    private static final String US_STATE_ZIP = "\\p{Lu}{2}\\s+\\d{5}(?:-\\d{4})?";
    private static final String UK_POSTCODE = "\\p{Lu}{1,2}\\d[\\p{Lu}\\d]?\\s*\\d\\p{Lu}{2}";
    private static final String EU_POSTCODE_CITY = "\\d{4,5}\\s+" + CITY;
    // ", Springfield, IL 62704" | ", London NW1 6XE" | ", 10115 Berlin" | ", IL 62704" | ", Springfield"
    private static final String LOCALITY = "(?:,\\s*(?:" + CITY + ",?\\s+(?:" + US_STATE_ZIP + "|" + UK_POSTCODE + ")|"
            + EU_POSTCODE_CITY + "|" + US_STATE_ZIP + "|" + UK_POSTCODE + "|" + CITY + "(?=\\s*(?:$|[.,;!?)\\n]))))?";

    private static final Pattern ENGLISH = Pattern.compile("(?<![\\w.,/$-])\\d{1,6}[A-Za-z]?(?:-\\d{1,4})?\\s+(?:"
            + DIRECTION + "\\s+)?(?:" + NAME_WORD + "\\s+){1,4}?" + SUFFIX + "\\b\\.?" + UNIT + LOCALITY);

    private static final Pattern GERMANIC = Pattern.compile(
            "(?<!\\w)(?:\\p{Lu}[\\p{L}-]*\\s)?\\p{Lu}[\\p{L}-]*(?:straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|"
                    + "ufer|gracht|straat|laan|plein|kade|singel|vej|gade|gatan|gata|veien|vägen|gränd)"
                    + "\\s+\\d{1,4}[a-zA-Z]?(?:\\s*[-/]\\s*\\d{1,4})?(?:,\\s*(?:[A-Z]-)?\\d{4,5}(?:\\s?[A-Z]{2})?\\s+"
                    + CITY + ")?",
            Pattern.UNICODE_CASE);
    private static final Pattern FRENCH = Pattern.compile(
            "(?<![\\w.,])\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s+(?i:rue|avenue|av\\.|boulevard|bd|place|chemin|allée|allee|"
                    + "impasse|quai|route|cours|passage)\\s+(?:(?:de|du|des|la|le|l'|d'|l’|d’)\\s*)*\\p{Lu}[\\p{L}'’-]*"
                    + "(?:\\s+(?:(?:de|du|des|la|le)\\s+)?\\p{Lu}[\\p{L}'’-]*){0,3}(?:,\\s*\\d{5}\\s+" + CITY + ")?");
    private static final Pattern ROMANCE = Pattern.compile(
            "(?<!\\w)(?:Calle|C/|Avenida|Avda\\.|Plaza|Paseo|Carrer|Via|Viale|Piazza|Corso|Largo|Rua|Praça|Travessa)"
                    + "\\s+(?:(?:de|del|de la|dos|das|da|do|della|delle|dei)\\s+)*\\p{Lu}[\\p{L}'’-]*"
                    + "(?:\\s+(?:(?:de|del|della)\\s+)?\\p{Lu}[\\p{L}'’-]*){0,3},?\\s+(?:n[º°o.]\\s*)?\\d{1,4}[a-zA-Z]?"
                    + "(?:,\\s*\\d{4,5}(?:-\\d{3})?\\s+" + CITY + ")?");
    private static final Pattern PO_BOX =
            Pattern.compile("(?i)\\b(?:P\\.?\\s?O\\.?\\s?Box|Post\\s+Office\\s+Box)\\s+\\d{1,8}");
    // Lower-case "i live at 12 oak street": only trusted right after an explicit cue.
    private static final Pattern ADDRESS_CUE = Pattern.compile(
            "(?:live at|living at|address is|address:|ship(?:ped)? to|deliver(?:ed)? to|send (?:it |them )?to|"
                    + "located at|moved to|staying at)\\s+$");
    private static final Pattern LOWERCASE_STREET = Pattern.compile(
            "(?i)\\d{1,6}\\s+(?:[a-z]+\\s+){1,3}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|"
                    + "way|court|ct|place|pl|terrace|circle)\\b\\.?(?:,?\\s*(?:apt|unit|suite)\\.?\\s*#?\\w{1,6})?");

    private static final String[] GERMANIC_SUFFIXES = {
        "straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "damm", "ufer", "gracht", "straat",
        "laan", "plein", "kade", "singel", "vej", "gade", "gatan", "gata", "veien", "vägen", "gränd"
    };
    private static final Set<String> ROMANCE_KEYWORDS = Set.of(
            "Calle",
            "C/",
            "Avenida",
            "Avda",
            "Plaza",
            "Paseo",
            "Carrer",
            "Via",
            "Viale",
            "Piazza",
            "Corso",
            "Largo",
            "Rua",
            "Praça",
            "Travessa");

    /*
     * Java's regex engine tries a pattern at every character, which for six address patterns cost ~20 us per
     * prompt. Every form has a house number, so the scan walks the digit runs by hand and only tries the
     * patterns there: number-first forms (English, French, cued lower-case) start at the run; number-last forms
     * (German, Dutch, Nordic) only when the word before the run is a street word; Spanish/Italian/Portuguese
     * only when one of their street keywords occurs at all.
     */
    @Override
    public void detect(String text, List<PiiDetection> out) {
        int n = text.length();
        boolean hasDigit = false;
        for (int i = 0; i < n; i++) {
            if (!TextContext.isAsciiDigit(text.charAt(i)) || (i > 0 && TextContext.isAsciiDigit(text.charAt(i - 1)))) {
                continue;
            }
            hasDigit = true;
            if (!gluedBefore(text, i)) {
                // Cheap look at the word after the number before paying for a regex match: English streets
                // continue with a capitalised word or an ordinal, French ones with rue/avenue/boulevard/...
                char next = firstCharOfNextWord(text, i);
                if (Character.isUpperCase(next) || TextContext.isAsciiDigit(next)) {
                    tryAt(ENGLISH, text, i, out, "address-en");
                }
                if ("rRaAbBpPcCiIqQ".indexOf(next) >= 0) {
                    tryAt(FRENCH, text, i, out, "address-fr");
                }
                if (Character.isLetter(next)
                        && previousWordMayEndAddressCue(text, i)
                        && TextContext.cueBefore(text, i, 30, ADDRESS_CUE)) {
                    tryAt(LOWERCASE_STREET, text, i, out, "address-cued");
                }
            }
            int wordStart = streetWordBefore(text, i);
            if (wordStart >= 0) {
                findAround(GERMANIC, text, Math.max(0, wordStart - 40), i, out, "address-de");
            }
        }
        if (!hasDigit) {
            return; // every form carries a house or box number
        }
        if (hasRomanceKeyword(text)) {
            add(ROMANCE.matcher(text), text, out, "address-es-it-pt");
        }
        if (containsIgnoreCase(text, "box")) {
            add(PO_BOX.matcher(text), text, out, "address-pobox");
        }
    }

    /** First character of the word after the digit run at {@code i} (skipping "12B", "bis", ","), or 0. */
    private static char firstCharOfNextWord(String text, int i) {
        int n = text.length();
        int k = i;
        while (k < n && (TextContext.isAsciiDigit(text.charAt(k)) || text.charAt(k) == '-')) {
            k++;
        }
        if (k < n && Character.isLetter(text.charAt(k)) && (k + 1 >= n || !Character.isLetter(text.charAt(k + 1)))) {
            k++; // "221B"
        }
        if (k < n && text.charAt(k) == ',') {
            k++;
        }
        if (k >= n || !Character.isWhitespace(text.charAt(k))) {
            return 0;
        }
        while (k < n && Character.isWhitespace(text.charAt(k))) {
            k++;
        }
        if (k + 3 < n && (text.startsWith("bis ", k) || text.startsWith("ter ", k))) {
            k += 4;
        }
        return k < n ? text.charAt(k) : 0;
    }

    /** Every address cue ends in "at", "is", "to" or ":" right before the number. */
    private static boolean previousWordMayEndAddressCue(String text, int i) {
        int k = i - 1;
        while (k >= 0 && Character.isWhitespace(text.charAt(k))) {
            k--;
        }
        if (k < 1) {
            return false;
        }
        char last = Character.toLowerCase(text.charAt(k));
        char beforeLast = Character.toLowerCase(text.charAt(k - 1));
        return last == ':'
                || (beforeLast == 'a' && last == 't')
                || (beforeLast == 'i' && last == 's')
                || (beforeLast == 't' && last == 'o');
    }

    /** A number glued to a token ("v2", "A-12", "3.5") cannot start a house number. */
    private static boolean gluedBefore(String text, int i) {
        if (i == 0) {
            return false;
        }
        char p = text.charAt(i - 1);
        return TextContext.isWordChar(p) || p == '.' || p == ',' || p == '/' || p == '$' || p == '-';
    }

    private static void tryAt(Pattern pattern, String text, int start, List<PiiDetection> out, String detector) {
        Matcher m = pattern.matcher(text);
        m.useTransparentBounds(true).useAnchoringBounds(false).region(start, text.length());
        if (m.lookingAt()) {
            emit(text, m.start(), m.end(), out, detector);
        }
    }

    /** The first match that starts before the house number and runs past it. */
    private static void findAround(
            Pattern pattern, String text, int from, int digitStart, List<PiiDetection> out, String detector) {
        Matcher m = pattern.matcher(text);
        m.useTransparentBounds(true).useAnchoringBounds(false).region(from, text.length());
        while (m.find() && m.start() <= digitStart) {
            if (m.end() > digitStart) {
                emit(text, m.start(), m.end(), out, detector);
                return;
            }
        }
    }

    /** Start of the word right before the number when it ends like a German/Dutch/Nordic street, else -1. */
    private static int streetWordBefore(String text, int digitStart) {
        int k = digitStart - 1;
        if (k < 0 || text.charAt(k) != ' ') {
            return -1;
        }
        int end = k;
        while (k > 0
                && (Character.isLetter(text.charAt(k - 1)) || text.charAt(k - 1) == '.' || text.charAt(k - 1) == '-')) {
            k--;
        }
        if (end - k < 4) {
            return -1;
        }
        String word = text.substring(k, end).toLowerCase(Locale.ROOT);
        for (String suffix : GERMANIC_SUFFIXES) {
            if (word.endsWith(suffix)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean hasRomanceKeyword(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (Character.isUpperCase(text.charAt(i)) && (i == 0 || !Character.isLetter(text.charAt(i - 1)))) {
                int e = i + 1;
                while (e < n && (Character.isLetter(text.charAt(e)) || text.charAt(e) == '/')) {
                    e++;
                }
                if (e - i <= 8 && ROMANCE_KEYWORDS.contains(text.substring(i, e))) {
                    return true;
                }
                i = e;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String needle) {
        for (int i = 0; i + needle.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }

    private static void add(Matcher m, String text, List<PiiDetection> out, String detector) {
        while (m.find()) {
            emit(text, m.start(), m.end(), out, detector);
        }
    }

    private static void emit(String text, int start, int end, List<PiiDetection> out, String detector) {
        while (end > start && (text.charAt(end - 1) == ',' || Character.isWhitespace(text.charAt(end - 1)))) {
            end--;
        }
        out.add(PiiDetection.of(PiiType.ADDRESS, text, start, end, 0.85, detector));
    }
}
