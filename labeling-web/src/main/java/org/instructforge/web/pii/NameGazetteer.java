package org.instructforge.web.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The word lists behind {@link NameDetector}, shipped as classpath resources next to this class so that
 * they can be reviewed and extended without touching code. Entries are lower-cased; '#' starts a comment.
 */
record NameGazetteer(Set<String> firstNames, Set<String> ambiguousFirstNames, Set<String> surnames) {

    static NameGazetteer load() {
        Set<String> ambiguous = read("ambiguous-first-names.txt");
        Set<String> first = new HashSet<>(read("first-names.txt"));
        first.removeAll(ambiguous); // an ambiguous name always needs its cue, whichever list also has it
        return new NameGazetteer(Set.copyOf(first), ambiguous, read("surnames.txt"));
    }

    private static Set<String> read(String resource) {
        try (InputStream in = NameGazetteer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing gazetteer resource " + resource);
            }
            Set<String> words = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gazetteer resource " + resource, e);
        }
    }
}
