package org.instructforge.web.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The word lists behind {@link NameDetector}, shipped as classpath resources next to this class so that
 * they can be reviewed and extended without touching code: the names themselves (this record) and the words
 * around names that its rules read ({@link #words}, {@link #entries}). '#' starts a comment.
 */
record NameGazetteer(Set<String> firstNames, Set<String> ambiguousFirstNames, Set<String> surnames) {

    static NameGazetteer load() {
        Set<String> ambiguous = words("ambiguous-first-names.txt");
        Set<String> first = new HashSet<>(words("first-names.txt"));
        first.removeAll(ambiguous); // an ambiguous name always needs its cue, whichever list also has it
        return new NameGazetteer(Set.copyOf(first), ambiguous, words("surnames.txt"));
    }

    /** The entries of a word list, lower-cased, for lookups of lower-cased words. */
    static Set<String> words(String resource) {
        Set<String> words = new HashSet<>();
        for (String entry : entries(resource)) {
            words.add(entry.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(words);
    }

    /** The entries of a word list as written (titles keep their capital), in file order. */
    static List<String> entries(String resource) {
        try (InputStream in = NameGazetteer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing gazetteer resource " + resource);
            }
            List<String> entries = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    entries.add(entry);
                }
            }
            return List.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gazetteer resource " + resource, e);
        }
    }
}
