package org.instructforge.web.pii;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * US Social Security numbers, AAA-GG-SSSS. The SSA never issues area 000, 666 or 900-999, group 00 or
 * serial 0000, so those are rejected. The dashed form is distinctive enough to accept alone; nine digits
 * written with spaces or run together look like any other number and need an SSN cue before them.
 */
final class SsnDetector implements PiiDetector {

    private static final String BODY = "(?!000|666|9\\d\\d)\\d{3}(?<sep>[- ]?)(?!00)\\d{2}\\k<sep>(?!0000)\\d{4}";
    private static final Pattern SSN = Pattern.compile("(?<![\\w.$/-])" + BODY + "(?![\\w/-]|\\.\\d)");
    private static final Pattern SSN_CUE =
            Pattern.compile("(?:ssn|ss#|ss no|social security|social sec|soc\\. sec|tax id|taxpayer|itin|tin\\b)");

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (TextContext.countAsciiDigits(text, 9) < 9) {
            return;
        }
        Matcher m = SSN.matcher(text);
        while (m.find()) {
            boolean dashed = "-".equals(m.group("sep"));
            if (dashed) {
                out.add(PiiDetection.of(PiiType.SSN, text, m.start(), m.end(), 0.85, "ssn"));
            } else if (TextContext.cueBefore(text, m.start(), 40, SSN_CUE)) {
                out.add(PiiDetection.of(PiiType.SSN, text, m.start(), m.end(), 0.8, "ssn-cue"));
            }
        }
    }
}
