package org.instructforge.web.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The word lists NameDetector reads live beside the gazetteer, and each writes a word once. */
class NameWordListsTest {

    private static final List<String> WORD_LISTS = List.of(
            "not-a-surname.txt",
            "name-particles.txt",
            "relations.txt",
            "titles.txt",
            "closings.txt",
            "record-labels.txt",
            "first-names.txt",
            "ambiguous-first-names.txt",
            "surnames.txt");

    @Test
    void everyWordListWritesEachEntryOnce() {
        for (String list : WORD_LISTS) {
            List<String> entries = NameGazetteer.entries(list).stream()
                    .map(e -> e.toLowerCase(Locale.ROOT))
                    .toList();
            assertThat(entries).as(list).isNotEmpty().doesNotHaveDuplicates();
        }
    }

    @Test
    void titlesKeepTheirCapitalSoThatAllCapsWordsAreNotTitles() {
        assertThat(NameGazetteer.entries("titles.txt")).contains("Dr", "Frau", "Señora");
        assertThat(new PiiScanner().scan("Open it in MS Word please"))
                .extracting(PiiDetection::type)
                .doesNotContain(PiiType.NAME);
        assertThat(new PiiScanner().scan("Please ask Frau Okonkwo-Becker to sign"))
                .extracting(PiiDetection::text)
                .contains("Okonkwo-Becker");
    }
}
