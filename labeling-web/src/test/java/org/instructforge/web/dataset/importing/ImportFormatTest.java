package org.instructforge.web.dataset.importing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImportFormatTest {

    @ParameterizedTest
    @CsvSource({
        "prompts.jsonl, JSONL",
        "PROMPTS.JSONL, JSONL",
        "export.ndjson, JSONL",
        "a.jsonlines, JSONL",
        "sheet.csv, CSV",
        "Sheet.CSV, CSV"
    })
    void detectsFormatFromFileExtension(String fileName, ImportFormat expected) {
        assertThat(ImportFormat.detect(fileName, "application/octet-stream")).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "application/x-ndjson, JSONL",
        "application/jsonl, JSONL",
        "'application/jsonl; charset=utf-8', JSONL",
        "text/csv, CSV",
        "'Text/CSV; charset=UTF-8', CSV",
        "application/csv, CSV"
    })
    void detectsFormatFromContentTypeWhenTheNameSaysNothing(String contentType, ImportFormat expected) {
        assertThat(ImportFormat.detect(null, contentType)).contains(expected);
        assertThat(ImportFormat.detect("upload", contentType)).contains(expected);
    }

    @Test
    void fileNameWinsOverContentType() {
        assertThat(ImportFormat.detect("prompts.csv", "application/x-ndjson")).contains(ImportFormat.CSV);
    }

    @Test
    void plainJsonAndUnknownTypesAreNotGuessed() {
        assertThat(ImportFormat.detect("prompts.json", "application/json")).isEmpty();
        assertThat(ImportFormat.detect("prompts.txt", "text/plain")).isEmpty();
        assertThat(ImportFormat.detect(null, null)).isEmpty();
    }
}
