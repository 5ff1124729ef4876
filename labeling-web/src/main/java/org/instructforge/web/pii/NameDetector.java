package org.instructforge.web.pii;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Person names, found offline with a curated gazetteer plus context cues (no statistical NER: none with a
 * permissive licence ships on Maven Central, and Stanford CoreNLP is GPL).
 *
 * <p>A capitalised word is a name when
 * <ol>
 *   <li>it is an unambiguous first name from {@code first-names.txt} ("Priya", "Jennifer"), or</li>
 *   <li>it is an ambiguous first name from {@code ambiguous-first-names.txt} ("Will", "May", "Grace")
 *       and either a known surname follows ("Will Smith") or a cue precedes it ("Hi Grace", "ask Will"), or</li>
 *   <li>it is any capitalised word after a strong cue: a title ("Dr. Okonkwo"), "my name is", "my colleague",
 *       or it stands alone on a signature line after "Best," / "Thanks,".</li>
 * </ol>
 * The words these rules read (titles, relations, closings, record labels, particles, words that end a name) are
 * lists beside the gazetteer, each word written once, read through {@link NameGazetteer#entries}.
 * Following capitalised words (and particles like "van", initials like "F.") are taken as the rest of the
 * name. A sentence may also open with a gazetteer name and something people do ("Grace said ...", "Okonkwo
 * wants ..."). Trade-off: precise on the names people type about themselves and colleagues, blind to unusual
 * names with no cue ("Zephyrine said ..."), and it also scrubs public figures and fictional characters
 * ("Abraham Lincoln") because it cannot tell them apart; the review queue is where those get restored.
 */
final class NameDetector implements PiiDetector {

    /** Capitalised words that can follow a first name but are never part of it, team words included. */
    private static final Set<String> NOT_A_SURNAME = NameGazetteer.words("not-a-surname.txt");

    private static final Set<String> PARTICLES = NameGazetteer.words("name-particles.txt");
    private static final List<String> RELATIONS = NameGazetteer.entries("relations.txt");
    private static final List<String> TITLES = NameGazetteer.entries("titles.txt");
    private static final List<String> CLOSINGS = NameGazetteer.entries("closings.txt");
    private static final List<String> RECORD_LABELS = NameGazetteer.entries("record-labels.txt");

    private static final String RELATION = alternatives(RELATIONS);
    /** Cues after which any capitalised word is taken as a name (the window is lower-cased). */
    private static final Pattern STRONG_CUE =
            Pattern.compile("(?:\\b(?:my|our|his|her|their|your)\\s+(?:new\\s+|old\\s+|best\\s+|former\\s+)?" + RELATION
                    + "(?:'s|’s)?,?"
                    + "|\\bprofessor|\\bdoctor|\\bname\\s+is|\\bname's|\\bname’s|\\bname\\s*:|\\bcall\\s+me|\\bsigned(?:\\s+by)?:?"
                    + "|\\bsincerely,?|\\bsigned,?|(?:^|\\n)\\s*" + alternatives(RECORD_LABELS) + "\\s*:)\\s*$");
    /**
     * Titles, matched on the original case: "Dr. Okonkwo", but not "MS Word" (the window for the other cues is
     * lower-cased, which would turn "MS" into "ms"). A lower-case title needs its period ("dr. patel").
     */
    private static final Pattern TITLE_CUE =
            Pattern.compile("(?:\\b" + alternatives(TITLES) + "\\.?|\\b(?:mr|mrs|ms|dr|prof)\\.)\\s*$");
    /** Closing words: a capitalised line after them (or after them on the same line) is a signature. */
    private static final Pattern CLOSING_CUE =
            Pattern.compile("(?:^|\\n)\\s*" + alternatives(CLOSINGS) + "\\s*[,.!]?\\s*\\n?[ \\t]*$");
    /** Weaker cues that confirm an ambiguous first name but not an arbitrary capitalised word. */
    private static final Pattern WEAK_CUE = Pattern.compile(
            "\\b(?:hi|hello|hey|dear|thanks|thank you|ask|asked|tell|told|contact|email|e-mail|cc|ping|meet|met|"
                    + "called|named|i'm|i’m|im|i am|this is|invite|invited|text|call|message|remind|thank|congrats|"
                    + "congratulations|happy birthday|sorry)\\s*[,:]?\\s*$");
    /** "my name is john smith": lower-case names are accepted only after this cue and only from the gazetteer. */
    private static final Pattern LOWERCASE_INTRO =
            Pattern.compile("(?i)\\b(?:my name is|my name's|call me|i am|i'm)\\s+(\\p{Ll}+)(?:\\s+(\\p{Ll}+))?");

    private final NameGazetteer gazetteer;

    NameDetector(NameGazetteer gazetteer) {
        this.gazetteer = gazetteer;
    }

    @Override
    public void detect(String text, List<PiiDetection> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = capitalisedTokenEnd(text, i);
            if (end < 0) {
                i++;
                continue;
            }
            int next = considerToken(text, i, end, out);
            i = Math.max(next, end);
        }
        if (hasLowercaseIntroCue(text)) {
            findLowercaseIntroductions(text, out);
        }
    }

    /** Returns where scanning continues: after the name if one was emitted, else after the token. */
    private int considerToken(String text, int start, int end, List<PiiDetection> out) {
        String word = text.substring(start, end).toLowerCase(Locale.ROOT);
        boolean ambiguous = gazetteer.ambiguousFirstNames().contains(word);
        boolean known = !ambiguous && gazetteer.firstNames().contains(word);
        // The cue regexes are the expensive part, and most capitalised words are neither in the gazetteer nor
        // after a cue word: a cheap look at the previous word rules those out first.
        Cue cue = known || ambiguous || mayFollowStrongCue(text, start) ? cueBefore(text, start) : Cue.NONE;
        if (!known && !ambiguous && cue != Cue.STRONG && cue != Cue.CLOSING) {
            int opening = nameOpeningSentence(text, start, end, word);
            if (opening > 0) {
                out.add(PiiDetection.of(PiiType.NAME, text, start, opening, 0.7, "name-sentence"));
                return opening;
            }
            return end;
        }
        if (!known && !ambiguous && (NOT_A_SURNAME.contains(word))) {
            return end; // "Dear Team", "Thanks,\nThe Support Team"
        }
        int nameEnd = extendName(text, end);
        boolean surnameFollows = nameEnd > end && gazetteer.surnames().contains(firstExtensionWord(text, end));
        double confidence;
        if (known) {
            confidence = nameEnd > end ? 0.85 : 0.7;
        } else if (ambiguous && (surnameFollows || cue != Cue.NONE || coordinatedWithName(text, start, nameEnd, out))) {
            confidence = 0.75;
        } else if (ambiguous && nameOpeningSentence(text, start, end, word) > 0) {
            confidence = 0.7; // "Grace said the invoice was wrong"
        } else if (cue == Cue.STRONG) {
            confidence = 0.7;
        } else if (cue == Cue.CLOSING && restOfLineIsBlank(text, nameEnd)) {
            confidence = 0.7; // "Best,\nOkonkwo Adaeze": a signature, even with names we do not know
        } else {
            return end;
        }
        out.add(PiiDetection.of(PiiType.NAME, text, start, nameEnd, confidence, "name"));
        return nameEnd;
    }

    /**
     * A sentence that opens with a name and no cue: "Grace said ...", "Okonkwo wants ...", "Mwangi Kamau is
     * joining ...". At a sentence start a capital letter says nothing, so the word must be in the gazetteer (an
     * ambiguous first name or a surname, or followed by a surname) and be followed by something people do
     * ("said", "asked", "and I"); "Grace periods", "Will it rain", "Brown sugar" and "Hunter boots" are not.
     *
     * @return the end of the name, or -1
     */
    private int nameOpeningSentence(String text, int start, int end, String word) {
        if (!opensSentence(text, start)) {
            return -1;
        }
        int nameEnd = extendName(text, end);
        boolean inGazetteer = gazetteer.ambiguousFirstNames().contains(word) // "Will and I", "May said"
                || (!NOT_A_SURNAME.contains(word)
                        && (gazetteer.surnames().contains(word)
                                || (nameEnd > end && gazetteer.surnames().contains(firstExtensionWord(text, end)))));
        if (!inGazetteer) {
            return -1;
        }
        return PERSON_ACTION.matcher(text).region(nameEnd, text.length()).lookingAt() ? nameEnd : -1;
    }

    /** Verbs (and "and I") after a name at a sentence start that only a person does. */
    private static final Pattern PERSON_ACTION = Pattern.compile("\\s+(?:said|says|told|tells|asked|asks|wrote|writes|"
            + "wants|wanted|needs|thinks|thought|called|calls|emailed|texted|messaged|mentioned|replied|sent|"
            + "promised|agreed|is joining|joined|will send|and I)\\b");

    /** At the start of the text, a line, or a sentence (after ".", "!" or "?"), quotes aside. */
    private static boolean opensSentence(String text, int start) {
        int k = start - 1;
        while (k >= 0 && (text.charAt(k) == ' ' || text.charAt(k) == '\t' || text.charAt(k) == '"')) {
            k--;
        }
        if (k < 0) {
            return true;
        }
        char c = text.charAt(k);
        return c == '\n' || ((c == '.' || c == '!' || c == '?') && k + 1 < start);
    }

    private enum Cue {
        NONE,
        WEAK,
        CLOSING,
        STRONG
    }

    /**
     * The last words of the strong and closing cues ("Dr.", "name is", "my colleague", "Best,", "Patient:"): the
     * cheap test before the cue regexes, so it holds the last word of every cue they match.
     */
    private static final Set<String> STRONG_CUE_LAST_WORDS = strongCueLastWords();

    private static Set<String> strongCueLastWords() {
        Set<String> words = new HashSet<>(RELATIONS);
        words.addAll(RECORD_LABELS);
        TITLES.forEach(title -> words.add(title.toLowerCase(Locale.ROOT)));
        for (String closing : CLOSINGS) {
            if (Character.isLetter(closing.charAt(0))) { // "--" signatures are caught by the line-start test
                words.add(closing.substring(closing.lastIndexOf(' ') + 1));
            }
        }
        // The rest of STRONG_CUE, spelled out there: "name is", "name's", "call me", "signed by", "my wife's".
        words.addAll(
                List.of("is", "name", "name's", "name’s", "me", "signed", "by", "colleague's", "wife's", "husband's"));
        return Set.copyOf(words);
    }

    /** "(?:a|b|c)" matching any of the entries literally. */
    private static String alternatives(List<String> entries) {
        return entries.stream().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
    }

    private static boolean mayFollowStrongCue(String text, int start) {
        int k = start - 1;
        while (k >= 0 && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
            k--;
        }
        if (k < 0) {
            return false;
        }
        char c = text.charAt(k);
        if (c == '\n' || c == '-' || c == '—' || c == '–') {
            return true; // signature line or "-- Name"
        }
        while (k >= 0
                && (text.charAt(k) == '.' || text.charAt(k) == ',' || text.charAt(k) == ':' || text.charAt(k) == '!')) {
            k--;
        }
        int end = k + 1;
        while (k >= 0
                && (Character.isLetter(text.charAt(k))
                        || text.charAt(k) == '\''
                        || text.charAt(k) == '’'
                        || text.charAt(k) == '-')) {
            k--;
        }
        return end > k + 1
                && STRONG_CUE_LAST_WORDS.contains(text.substring(k + 1, end).toLowerCase(Locale.ROOT));
    }

    /**
     * "Jack and Emily", "Priya, Will and Sam": an ambiguous name joined by "and"/"&"/"," to a name already found
     * or to a known first name that follows.
     */
    private boolean coordinatedWithName(String text, int start, int end, List<PiiDetection> out) {
        if (!out.isEmpty()) {
            PiiDetection last = out.get(out.size() - 1);
            if (last.type() == PiiType.NAME && last.end() <= start && isConjunction(text, last.end(), start)) {
                return true;
            }
        }
        for (String joiner : new String[] {" and ", " & ", ", "}) {
            if (text.startsWith(joiner, end)) {
                int s = end + joiner.length();
                int e = s < text.length() ? capitalisedTokenEnd(text, s) : -1;
                if (e > 0
                        && gazetteer.firstNames().contains(text.substring(s, e).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isConjunction(String text, int from, int to) {
        String between = text.substring(from, to);
        return between.equals(" and ") || between.equals(" & ") || between.equals(", ");
    }

    private static Cue cueBefore(String text, int start) {
        int from = Math.max(0, start - 48);
        String original = text.substring(from, start);
        if (TITLE_CUE.matcher(original).find()) {
            return Cue.STRONG;
        }
        String window = original.toLowerCase(Locale.ROOT);
        if (from > 0) {
            window = "\u0000" + window; // a truncated window must not look like a line start to "^"
        }
        if (STRONG_CUE.matcher(window).find()) {
            return Cue.STRONG;
        }
        if (CLOSING_CUE.matcher(window).find()) {
            return Cue.CLOSING;
        }
        return WEAK_CUE.matcher(window).find() ? Cue.WEAK : Cue.NONE;
    }

    /**
     * End of a capitalised word starting at {@code i} ("Priya", "O'Brien", "Anne-Marie", "McDonald"), or -1.
     * Words glued to code ("user.Name", "@Bean", "getName") or written in capitals ("NASA") do not count.
     */
    static int capitalisedTokenEnd(String text, int i) {
        char c = text.charAt(i);
        if (!Character.isUpperCase(c)) {
            return -1;
        }
        if (i > 0) {
            char p = text.charAt(i - 1);
            if (Character.isLetterOrDigit(p)
                    || p == '_'
                    || p == '.'
                    || p == '@'
                    || p == '#'
                    || p == '$'
                    || p == '/'
                    || p == '\\'
                    || p == '<'
                    || p == '{'
                    || p == '=') {
                return -1;
            }
        }
        int n = text.length();
        int k = i + 1;
        boolean lower = false;
        while (k < n) {
            char ch = text.charAt(k);
            if (Character.isLetter(ch)) {
                lower |= Character.isLowerCase(ch);
                k++;
            } else if ((ch == '\'' || ch == '’' || ch == '-')
                    && k + 1 < n
                    && Character.isUpperCase(text.charAt(k + 1))) {
                k++; // O'Brien, Anne-Marie (but not "Sarah's")
            } else {
                break;
            }
        }
        if (!lower || k - i < 2) {
            return -1;
        }
        if (k < n) {
            char after = text.charAt(k);
            if (Character.isDigit(after)
                    || after == '_'
                    || after == '('
                    || after == '<'
                    || (after == '.' && k + 1 < n && Character.isLetter(text.charAt(k + 1)))) {
                return -1; // identifiers and calls in code: "Mark.setText", "Grace(", "Will2"
            }
        }
        return k;
    }

    /** Extends a first name over a middle initial, particles and up to three capitalised surname words. */
    private static int extendName(String text, int end) {
        int n = text.length();
        int nameEnd = end;
        int words = 0;
        int i = end;
        while (words < 3 && i < n && text.charAt(i) == ' ') {
            int s = i + 1;
            if (s + 1 < n
                    && Character.isUpperCase(text.charAt(s))
                    && text.charAt(s + 1) == '.'
                    && s + 2 < n
                    && text.charAt(s + 2) == ' ') {
                i = s + 2; // middle initial "F." — only kept if a surname follows
                continue;
            }
            int particleEnd = particleEnd(text, s);
            int tokenStart = particleEnd > 0 ? particleEnd + 1 : s;
            if (tokenStart >= n) {
                break;
            }
            int e = capitalisedTokenEnd(text, tokenStart);
            if (e < 0) {
                break;
            }
            String w = text.substring(tokenStart, e).toLowerCase(Locale.ROOT);
            if (NOT_A_SURNAME.contains(w)) {
                break;
            }
            nameEnd = e;
            i = e;
            words++;
        }
        return nameEnd;
    }

    private static int particleEnd(String text, int s) {
        int k = s;
        while (k < text.length() && Character.isLowerCase(text.charAt(k))) {
            k++;
        }
        if (k == s || k >= text.length() || text.charAt(k) != ' ') {
            return -1;
        }
        return PARTICLES.contains(text.substring(s, k)) ? k : -1;
    }

    private static String firstExtensionWord(String text, int end) {
        int s = end + 1;
        int e = s;
        while (e < text.length() && Character.isLetter(text.charAt(e))) {
            e++;
        }
        return text.substring(s, e).toLowerCase(Locale.ROOT);
    }

    private static boolean restOfLineIsBlank(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\n') {
                return true;
            }
            if (!Character.isWhitespace(c) && c != '.' && c != ',' && c != '!') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLowercaseIntroCue(String text) {
        // Cheap containment test before the regex: every cue contains "m" followed by a space or "e".
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("name") || lower.contains("call me") || lower.contains("i am") || lower.contains("i'm");
    }

    private void findLowercaseIntroductions(String text, List<PiiDetection> out) {
        Matcher m = LOWERCASE_INTRO.matcher(text);
        while (m.find()) {
            String first = m.group(1);
            if (!gazetteer.firstNames().contains(first)
                    && !gazetteer.ambiguousFirstNames().contains(first)) {
                continue;
            }
            int end = m.end(1);
            String second = m.group(2);
            if (second != null && gazetteer.surnames().contains(second)) {
                end = m.end(2);
            }
            out.add(PiiDetection.of(PiiType.NAME, text, m.start(1), end, 0.7, "name-lowercase"));
        }
    }
}
