package org.instructforge.web.pii;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Email addresses: the plain {@code local@domain.tld} form (RFC 5322 "dot-atom" subset that people actually
 * type, Unicode letters allowed) and the obfuscated forms people use to dodge scrapers
 * ({@code jane [at] example [dot] com}, {@code jane at example dot com}).
 */
final class EmailDetector implements PiiDetector {

    // The lookbehind stops a match starting mid-token; the trailing lookahead rejects a TLD that continues
    // ("a@b.comx") but allows a sentence-ending period. Local part capped at 64 per RFC 5321.
    private static final Pattern EMAIL =
            Pattern.compile("(?<![\\p{L}\\p{N}._%+-])[\\p{L}\\p{N}][\\p{L}\\p{N}._%+-]{0,63}"
                    + "@(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,62}[\\p{L}\\p{N}])?\\.)+\\p{L}{2,24}"
                    + "(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])");

    // "[at]"/"(at)" are unambiguous obfuscation markers; a bare " at " is only trusted together with " dot "
    // and a known TLD, otherwise "meet me at the station" would become an address.
    private static final String TLD = "(?:com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|ca|au|in|info|me|dev|ai)";
    private static final Pattern OBFUSCATED = Pattern.compile(
            "(?i)(?<![\\w.+-])[\\w.+-]{1,64}\\s*(?:\\[at\\]|\\(at\\)|\\{at\\}|\\s+at\\s+)\\s*[\\w-]{1,63}"
                    + "(?:\\s*(?:\\[dot\\]|\\(dot\\)|\\{dot\\}|\\s+dot\\s+|\\.)\\s*[\\w-]{1,63})*?"
                    + "\\s*(?:\\[dot\\]|\\(dot\\)|\\{dot\\}|\\s+dot\\s+|\\.)\\s*" + TLD + "\\b");
    private static final Pattern BRACKET_MARKER = Pattern.compile("(?i)\\[at\\]|\\(at\\)|\\{at\\}");

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (text.indexOf('@') >= 0) {
            Matcher m = EMAIL.matcher(text);
            while (m.find()) {
                if (isGitRemote(text, m.start())) {
                    continue;
                }
                out.add(PiiDetection.of(PiiType.EMAIL, text, m.start(), m.end(), 0.97, "email"));
            }
        }
        // The obfuscated pattern is expensive and rare: only run it when one of its markers is present.
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("[at]")
                || lower.contains("(at)")
                || lower.contains("{at}")
                || (lower.contains(" at ") && lower.contains(" dot "))) {
            Matcher m = OBFUSCATED.matcher(text);
            while (m.find()) {
                String hit = m.group();
                // Plain " at " without a bracket marker needs the spelled-out " dot " too (see OBFUSCATED).
                if (!BRACKET_MARKER.matcher(hit).find()
                        && !hit.toLowerCase(Locale.ROOT).contains(" dot ")) {
                    continue;
                }
                out.add(PiiDetection.of(PiiType.EMAIL, text, m.start(), m.end(), 0.85, "email-obfuscated"));
            }
        }
    }

    /**
     * {@code git@github.com:org/repo.git} and {@code ssh://git@host/...}: "git" is the shared service account of
     * every Git host's SSH remote, not a person.
     */
    private static boolean isGitRemote(String text, int start) {
        return text.startsWith("git@", start);
    }
}
