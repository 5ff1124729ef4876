package org.instructforge.web.dataset.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.importing.ImportFormat.CSV;
import static org.instructforge.web.dataset.importing.Imports.bytes;
import static org.instructforge.web.dataset.importing.Imports.onlyBad;
import static org.instructforge.web.dataset.importing.Imports.onlyPrompt;
import static org.instructforge.web.dataset.importing.Imports.parse;

import java.util.List;
import org.instructforge.web.dataset.importing.LineResult.Bad;
import org.instructforge.web.dataset.importing.LineResult.Parsed;
import org.junit.jupiter.api.Test;

class CsvPromptParserTest {

    @Test
    void readsRowsUnderAHeaderWithAnyCaseAndSpacing() {
        List<LineResult> results = parse(CSV, """
                Prompt,User ID,CATEGORY,source,Metadata
                Write a haiku,u1,open qa,labeler,"{""batch"": 3}"
                Summarize this,u2,,,
                """);

        assertThat(results)
                .containsExactly(
                        new Parsed(
                                2,
                                new ImportedPrompt("Write a haiku", null, "u1", "OPEN_QA", "LABELER", "{\"batch\":3}")),
                        new Parsed(3, new ImportedPrompt("Summarize this", null, "u2", "OTHER", "CUSTOMER", "{}")));
    }

    @Test
    void acceptsColumnsInAnyOrderAndOnlyTheRequiredOnes() {
        assertThat(onlyPrompt(CSV, "user_id,prompt\nu1,Hello\n"))
                .isEqualTo(new ImportedPrompt("Hello", null, "u1", "OTHER", "CUSTOMER", "{}"));
    }

    @Test
    void readsQuotedFieldsWithCommasAndDoubledQuotes() {
        ImportedPrompt prompt = onlyPrompt(CSV, "prompt,user_id\n\"Say \"\"hi\"\", then, \"\"bye\"\"\",\"u,1\"\n");

        assertThat(prompt.text()).isEqualTo("Say \"hi\", then, \"bye\"");
        assertThat(prompt.userId()).isEqualTo("u,1");
    }

    @Test
    void numbersAMultiLineRecordByTheLineItStartsOn() {
        List<LineResult> results = parse(
                CSV,
                "prompt,user_id\r\n" + "\"First line\r\n\r\nthird line\",u1\r\n" + "next,u2\r\n" + "\"a\nb\",\r\n");

        assertThat(results)
                .containsExactly(
                        new Parsed(
                                2,
                                new ImportedPrompt("First line\n\nthird line", null, "u1", "OTHER", "CUSTOMER", "{}")),
                        new Parsed(5, new ImportedPrompt("next", null, "u2", "OTHER", "CUSTOMER", "{}")),
                        new Bad(6, "\"user_id\" is blank"));
    }

    @Test
    void rejectsAHeaderWithoutAPromptColumnOnceAndReadsNoFurther() {
        List<LineResult> results = parse(CSV, "text,user_id\nhello,u1\nworld,u2\n");

        assertThat(results).containsExactly(new Bad(1, "header: no \"prompt\" column (found: text, user_id)"));
    }

    @Test
    void rejectsAHeaderWithoutAUserIdColumn() {
        assertThat(onlyBad(CSV, "prompt,category\nhello,chat\n").reason())
                .isEqualTo("header: no \"user_id\" column; every prompt needs the id of the user who wrote it"
                        + " (found: prompt, category)");
    }

    @Test
    void rejectsUnknownDuplicateAndUnnamedColumns() {
        assertThat(onlyBad(CSV, "prompt,user_id,categroy\np,u,chat\n").reason())
                .isEqualTo("header: unknown column \"categroy\"; known columns: prompt, user_id, category, source,"
                        + " metadata");
        assertThat(onlyBad(CSV, "prompt,user_id,Prompt\np,u,q\n").reason())
                .isEqualTo("header: column \"prompt\" appears twice");
        assertThat(onlyBad(CSV, "prompt,,user_id\np,x,u\n").reason()).isEqualTo("header: column 2 has no name");
    }

    @Test
    void rejectsRecordsWithTheWrongNumberOfFields() {
        List<LineResult> results = parse(CSV, "prompt,user_id\nok,u1\nHello, world,u2\nshort\nok,u3\n");

        assertThat(results)
                .extracting(r -> r instanceof Bad bad ? bad.message() : "line " + r.lineNumber() + " ok")
                .containsExactly(
                        "line 2 ok",
                        "line 3: expected 2 fields (prompt, user_id), found 3",
                        "line 4: expected 2 fields (prompt, user_id), found 1",
                        "line 5 ok");
    }

    @Test
    void rejectsStrayQuotesInsteadOfGuessing() {
        assertThat(onlyBad(CSV, "prompt,user_id\nsay \"hi\",u1\n").reason())
                .isEqualTo("a quote inside an unquoted field (field 1); quote the whole field and double the quote:"
                        + " \"a \"\"b\"\" c\"");
        assertThat(onlyBad(CSV, "prompt,user_id\n\"hi\" there,u1\n").reason())
                .isEqualTo("text after the closing quote of field 1");
    }

    @Test
    void reportsAnUnclosedQuoteAtTheLineWhereItsRecordStarts() {
        List<LineResult> results = parse(CSV, "prompt,user_id\nok,u1\n\"never closed,u2\nmore,u3\n");

        assertThat(results)
                .containsExactly(
                        new Parsed(2, new ImportedPrompt("ok", null, "u1", "OTHER", "CUSTOMER", "{}")),
                        new Bad(3, "unclosed quote: the record runs to the end of the file"));
    }

    @Test
    void givesUpOnARunawayQuotedRecordAtTheByteLimitAndStartsAfreshOnTheNextLine() {
        var limits = new ImportLimits(20_000, 40, 10_000);
        byte[] file = bytes("prompt,user_id\n\"stray quote,u1\n"
                + "row two is here,u2\n"
                + "row three is here,u3\n"
                + "row four,u4\n");

        List<LineResult> results = parse(CSV, file, limits);

        assertThat(results)
                .containsExactly(
                        new Bad(2, "record is over the limit of 40 bytes by line 4; is a quote left open?"),
                        new Parsed(5, new ImportedPrompt("row four", null, "u4", "OTHER", "CUSTOMER", "{}")));
    }

    @Test
    void reportsEmptyLinesButNotTheFinalLineEnding() {
        List<LineResult> results = parse(CSV, "prompt,user_id\na,u\n\n  \nb,u\n");

        assertThat(results).extracting(LineResult::lineNumber).containsExactly(2L, 3L, 4L, 5L);
        assertThat(results.get(1)).isEqualTo(new Bad(3, "empty line"));
        assertThat(results.get(2)).isEqualTo(new Bad(4, "empty line"));
    }

    @Test
    void keepsEmptyLinesInsideQuotedFields() {
        assertThat(onlyPrompt(CSV, "prompt,user_id\n\"a\n\nb\",u\n").text()).isEqualTo("a\n\nb");
    }

    @Test
    void yieldsNothingForAnEmptyFileOrAHeaderAlone() {
        assertThat(parse(CSV, "")).isEmpty();
        assertThat(parse(CSV, "prompt,user_id\n")).isEmpty();
    }

    @Test
    void skipsAByteOrderMarkBeforeTheHeader() {
        byte[] file = bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "prompt,user_id\nhello,u1\n");

        assertThat(parse(CSV, file, ImportLimits.defaults()))
                .containsExactly(new Parsed(2, new ImportedPrompt("hello", null, "u1", "OTHER", "CUSTOMER", "{}")));
    }

    @Test
    void reportsInvalidUtf8InsideAMultiLineRecordAtTheRecordsFirstLine() {
        byte[] file = bytes("prompt,user_id\n\"first\n", "caf", new byte[] {(byte) 0xE9}, "\",u1\n", "after,u2\n");

        List<LineResult> results = parse(CSV, file, ImportLimits.defaults());

        assertThat(results)
                .containsExactly(
                        new Bad(2, "not valid UTF-8 (byte offset 3) on line 3"),
                        new Parsed(4, new ImportedPrompt("after", null, "u2", "OTHER", "CUSTOMER", "{}")));
    }

    @Test
    void validatesCellsLikeJsonlFields() {
        List<LineResult> results = parse(CSV, """
                prompt,user_id,category,source,metadata
                ,u1,,,
                p,u2,poetry,,
                p,u3,,vendor,
                p,u4,,,[1]
                p,u5,,,{not json
                """);

        assertThat(results)
                .extracting(r -> ((Bad) r).reason())
                .satisfiesExactly(
                        r -> assertThat(r).isEqualTo("\"prompt\" is blank"),
                        r -> assertThat(r).startsWith("unknown category \"poetry\"; allowed: generation,"),
                        r -> assertThat(r).isEqualTo("unknown source \"vendor\"; allowed: labeler, customer"),
                        r -> assertThat(r).isEqualTo("\"metadata\" must be a JSON object, got an array"),
                        r -> assertThat(r).startsWith("\"metadata\" is not valid JSON: "));
        assertThat(results).extracting(LineResult::lineNumber).containsExactly(2L, 3L, 4L, 5L, 6L);
    }
}
