package org.instructforge.web.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code pii-eval.txt}: one prompt per line with gold spans marked inline as {@code ⟦TYPE|text⟧}, or
 * {@code ⟦PHONE:DE|text⟧} for a phone number written for one region.
 * Inline marks keep each label next to the text it labels, so a reviewer can check the set line by line,
 * and offsets are computed here instead of being typed (and mistyped) by hand.
 */
final class LabelledPiiSet {

    /** @param region the region a phone number is written for, null where the line names none */
    record GoldSpan(PiiType type, int start, int end, String text, String region) {}

    record Example(int lineNumber, String text, List<GoldSpan> gold) {}

    private static final char OPEN = '⟦';
    private static final char CLOSE = '⟧';

    private LabelledPiiSet() {}

    static List<Example> load(String resource) throws IOException {
        try (InputStream in = LabelledPiiSet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Example> examples = new ArrayList<>();
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                examples.add(parse(lineNumber, line));
            }
            return examples;
        }
    }

    static Example parse(int lineNumber, String line) {
        String unescaped = line.replace("\\n", "\n");
        StringBuilder text = new StringBuilder();
        List<GoldSpan> gold = new ArrayList<>();
        int i = 0;
        while (i < unescaped.length()) {
            char c = unescaped.charAt(i);
            if (c != OPEN) {
                text.append(c);
                i++;
                continue;
            }
            int bar = unescaped.indexOf('|', i);
            int close = unescaped.indexOf(CLOSE, i);
            if (bar < 0 || close < bar) {
                throw new IllegalArgumentException("line " + lineNumber + ": malformed span at column " + i);
            }
            String label = unescaped.substring(i + 1, bar);
            int colon = label.indexOf(':');
            PiiType type = PiiType.valueOf(colon < 0 ? label : label.substring(0, colon));
            String region = colon < 0 ? null : label.substring(colon + 1);
            String covered = unescaped.substring(bar + 1, close);
            int start = text.length();
            text.append(covered);
            gold.add(new GoldSpan(type, start, text.length(), covered, region));
            i = close + 1;
        }
        return new Example(lineNumber, text.toString(), List.copyOf(gold));
    }
}
