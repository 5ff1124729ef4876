package org.instructforge.web.dataset.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.instructforge.web.dataset.importing.ImportFormat.JSONL;
import static org.instructforge.web.dataset.importing.Imports.bytes;
import static org.instructforge.web.dataset.importing.Imports.onlyBad;
import static org.instructforge.web.dataset.importing.Imports.onlyPrompt;
import static org.instructforge.web.dataset.importing.Imports.parse;

import java.util.List;
import org.instructforge.web.dataset.importing.LineResult.Bad;
import org.instructforge.web.dataset.importing.LineResult.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonlPromptParserTest {

    private static final String GOOD = "{\"prompt\": \"Write a haiku\", \"user_id\": \"u1\"}";

    @Test
    void readsEveryField() {
        ImportedPrompt prompt = onlyPrompt(JSONL, """
                {"prompt": "Write a haiku about autumn", "user_id": "u-17", "category": "generation",\
                 "source": "labeler", "metadata": {"batch": 3, "tags": ["poetry"]}}
                """);

        assertThat(prompt)
                .isEqualTo(new ImportedPrompt(
                        "Write a haiku about autumn",
                        null,
                        "u-17",
                        "GENERATION",
                        "LABELER",
                        "{\"batch\":3,\"tags\":[\"poetry\"]}"));
    }

    @Test
    void defaultsCategorySourceAndMetadata() {
        ImportedPrompt prompt = onlyPrompt(JSONL, GOOD);

        assertThat(prompt.category()).isEqualTo("OTHER");
        assertThat(prompt.source()).isEqualTo("CUSTOMER");
        assertThat(prompt.metadata()).isEqualTo("{}");
        assertThat(prompt.messages()).isNull();
    }

    @Test
    void treatsNullFieldsAsAbsent() {
        ImportedPrompt prompt = onlyPrompt(JSONL, """
                {"prompt": "p", "user_id": "u", "category": null, "source": null, "metadata": null, "messages": null}
                """);

        assertThat(prompt).isEqualTo(new ImportedPrompt("p", null, "u", "OTHER", "CUSTOMER", "{}"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "open qa | OPEN_QA",
                "Open-QA | OPEN_QA",
                "OPEN_QA | OPEN_QA",
                "' closed  qa ' | CLOSED_QA",
                "Brainstorming | BRAINSTORMING",
                "'' | OTHER"
            })
    void acceptsCategoriesInAnyCaseWithSpacesOrDashes(String given, String expected) {
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"category\": \"" + given + "\"}")
                        .category())
                .isEqualTo(expected);
    }

    @Test
    void rejectsUnknownCategoryListingTheAllowedOnes() {
        Bad bad = onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"category\": \"poetry\"}");

        assertThat(bad.reason())
                .isEqualTo("unknown category \"poetry\"; allowed: generation, open_qa, brainstorming, chat, rewrite,"
                        + " summarization, classification, closed_qa, extract, other"
                        + " (any case; spaces or dashes for underscores)");
    }

    @ParameterizedTest
    @CsvSource({"labeler, LABELER", "Customer, CUSTOMER", "' LABELER ', LABELER"})
    void acceptsSourceInAnyCase(String given, String expected) {
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"source\": \"" + given + "\"}")
                        .source())
                .isEqualTo(expected);
    }

    @Test
    void rejectsUnknownSource() {
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"source\": \"vendor\"}")
                        .reason())
                .isEqualTo("unknown source \"vendor\"; allowed: labeler, customer");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"source\": 1}")
                        .reason())
                .isEqualTo("\"source\" must be a string, got a number (1)");
    }

    @Test
    void acceptsIntegerUserIdsAndStripsUserIds() {
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": 123456789012}")
                        .userId())
                .isEqualTo("123456789012");
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": \"  alice \"}")
                        .userId())
                .isEqualTo("alice");
    }

    @Test
    void rejectsMissingBlankFractionalAndOverlongUserIds() {
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\"}").reason()).isEqualTo("missing \"user_id\"");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": null}").reason())
                .isEqualTo("missing \"user_id\"");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"  \"}").reason())
                .isEqualTo("\"user_id\" is blank");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": 1.5}").reason())
                .isEqualTo("\"user_id\" must be a string or an integer, got a number (1.5)");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"" + "u".repeat(201) + "\"}")
                        .reason())
                .isEqualTo("\"user_id\" is 201 characters, over the limit of 200");
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": \"" + "u".repeat(200) + "\"}"))
                .isNotNull();
    }

    @Test
    void rejectsMissingBlankAndNonStringPrompts() {
        assertThat(onlyBad(JSONL, "{\"user_id\": \"u\"}").reason()).isEqualTo("missing \"prompt\" (or \"messages\")");
        assertThat(onlyBad(JSONL, "{\"prompt\": \" \\n\\t \", \"user_id\": \"u\"}")
                        .reason())
                .isEqualTo("\"prompt\" is blank");
        assertThat(onlyBad(JSONL, "{\"prompt\": [\"a\"], \"user_id\": \"u\"}").reason())
                .isEqualTo("\"prompt\" must be a string, got an array");
    }

    @Test
    void keepsPromptTextExactlyAsGiven() {
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"  indented\\n\\tcode\\n\", \"user_id\": \"u\"}")
                        .text())
                .isEqualTo("  indented\n\tcode\n");
    }

    @Test
    void rejectsPromptOverTheLimitCountingCharactersNotBytes() {
        String atLimit = "é".repeat(ImportLimits.DEFAULT_MAX_PROMPT_CHARS); // 40,000 bytes
        String emojiAtLimit = "\uD83D\uDE00".repeat(ImportLimits.DEFAULT_MAX_PROMPT_CHARS); // 40,000 UTF-16 chars
        List<LineResult> results = parse(
                JSONL,
                String.join(
                        "\n",
                        "{\"prompt\": \"" + atLimit + "\", \"user_id\": \"u\"}",
                        "{\"prompt\": \"" + atLimit + "x\", \"user_id\": \"u\"}",
                        "{\"prompt\": \"" + emojiAtLimit + "\", \"user_id\": \"u\"}"));

        assertThat(results.get(0)).isInstanceOf(Parsed.class);
        assertThat(results.get(1)).isEqualTo(new Bad(2, "\"prompt\" is 20,001 characters, over the limit of 20,000"));
        assertThat(results.get(2)).isInstanceOf(Parsed.class);
    }

    @Test
    void reportsBadJsonWithItsLineNumberAndParsesTheRest() {
        List<LineResult> results = parse(JSONL, String.join("\n", GOOD, "{\"prompt\": \"unterminated", GOOD) + "\n");

        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isInstanceOf(Parsed.class);
        assertThat(results.get(1).lineNumber()).isEqualTo(2);
        assertThat(((Bad) results.get(1)).reason())
                .startsWith("not valid JSON: ")
                .contains("(column ");
        assertThat(results.get(2)).isEqualTo(results.get(0) instanceof Parsed p ? new Parsed(3, p.prompt()) : null);
    }

    @Test
    void rejectsTextAfterTheObjectDuplicateKeysAndNonObjects() {
        assertThat(onlyBad(JSONL, GOOD + " {}").reason()).startsWith("not valid JSON: ");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"a\", \"prompt\": \"b\", \"user_id\": \"u\"}")
                        .reason())
                .startsWith("not valid JSON: ")
                .contains("Duplicate");
        assertThat(onlyBad(JSONL, "[" + GOOD + "]").reason()).isEqualTo("expected a JSON object, got an array");
        assertThat(onlyBad(JSONL, "\"just a string\"").reason())
                .isEqualTo("expected a JSON object, got a string \"just a string\"");
    }

    @Test
    void rejectsDeeplyNestedJsonAsABadLineRatherThanOverflowingTheStack() {
        String deep = "[".repeat(100_000);

        assertThat(onlyBad(JSONL, deep).reason()).startsWith("not valid JSON: ").contains("nesting depth");
    }

    @Test
    void ignoresFieldsItDoesNotKnowSoExportsImportAgain() {
        ImportedPrompt prompt = onlyPrompt(JSONL, """
                {"id": 7, "prompt": "p", "user_id": "u", "source": "customer", "category": "chat",\
                 "split": "train", "status": "active", "metadata": {}}
                """);

        assertThat(prompt).isEqualTo(new ImportedPrompt("p", null, "u", "CHAT", "CUSTOMER", "{}"));
    }

    @Test
    void storesMetadataAsCompactJsonAndRejectsNonObjects() {
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"metadata\": { \"a\" : [ 1, 2 ] }}")
                        .metadata())
                .isEqualTo("{\"a\":[1,2]}");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"metadata\": \"batch 3\"}")
                        .reason())
                .isEqualTo("\"metadata\" must be a JSON object, got a string \"batch 3\"");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"metadata\": [1]}")
                        .reason())
                .isEqualTo("\"metadata\" must be a JSON object, got an array");
    }

    @Test
    void rejectsMetadataOverTheLimit() {
        String big = "x".repeat(ImportLimits.DEFAULT_MAX_METADATA_CHARS);
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"metadata\": {\"note\": \"" + big + "\"}}")
                        .reason())
                .isEqualTo("\"metadata\" is 10,011 characters of JSON, over the limit of 10,000");
    }

    @Test
    void rejectsTextThePostgresColumnsCannotStore() {
        assertThat(onlyBad(JSONL, "{\"prompt\": \"a\\u0000b\", \"user_id\": \"u\"}")
                        .reason())
                .isEqualTo("prompt contains a NUL character (U+0000), which cannot be stored");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"a\\ud800b\", \"user_id\": \"u\"}")
                        .reason())
                .isEqualTo("prompt contains an unpaired surrogate (an invalid \\u escape)");
        assertThat(onlyBad(JSONL, "{\"prompt\": \"p\", \"user_id\": \"u\", \"metadata\": {\"k\": [\"\\u0000\"]}}")
                        .reason())
                .isEqualTo("metadata contains a NUL character (U+0000), which cannot be stored");
        assertThat(onlyPrompt(JSONL, "{\"prompt\": \"\\ud83d\\ude00\", \"user_id\": \"u\"}")
                        .text())
                .isEqualTo("\uD83D\uDE00");
    }

    @Test
    void reportsEmptyAndBlankLinesButNotTheFinalLineEnding() {
        List<LineResult> results = parse(JSONL, GOOD + "\n\n" + GOOD + "\n   \t\n" + GOOD + "\n");

        assertThat(results).extracting(LineResult::lineNumber).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(results.get(1)).isEqualTo(new Bad(2, "empty line"));
        assertThat(results.get(3)).isEqualTo(new Bad(4, "empty line"));
        assertThat(results).filteredOn(Parsed.class::isInstance).hasSize(3);
    }

    @Test
    void readsCrlfFiles() {
        List<LineResult> results = parse(JSONL, GOOD + "\r\n" + GOOD + "\r\n\r\n" + GOOD + "\r\n");

        assertThat(results).extracting(LineResult::lineNumber).containsExactly(1L, 2L, 3L, 4L);
        assertThat(results.get(2)).isEqualTo(new Bad(3, "empty line"));
        assertThat(((Parsed) results.get(3)).prompt().text()).isEqualTo("Write a haiku");
    }

    @Test
    void skipsAByteOrderMark() {
        byte[] file = bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, GOOD + "\n" + GOOD);

        assertThat(parse(JSONL, file, ImportLimits.defaults()))
                .allMatch(Parsed.class::isInstance)
                .hasSize(2);
    }

    @Test
    void reportsInvalidUtf8InTheMiddleOfAFileWhileItsNeighboursParse() {
        byte[] latin1 = {(byte) 0xE9}; // "é" in ISO-8859-1: a file saved in the wrong encoding
        byte[] file =
                bytes(GOOD + "\n", "{\"prompt\": \"caf", latin1, "\", \"user_id\": \"u\"}\n", GOOD + "\n", GOOD + "\n");

        List<LineResult> results = parse(JSONL, file, ImportLimits.defaults());

        assertThat(results).hasSize(4);
        assertThat(results.get(1)).isEqualTo(new Bad(2, "not valid UTF-8 (byte offset 15)"));
        assertThat(((Bad) results.get(1)).message()).isEqualTo("line 2: not valid UTF-8 (byte offset 15)");
        assertThat(List.of(results.get(0), results.get(2), results.get(3))).allMatch(Parsed.class::isInstance);
    }

    @Test
    void reportsALineOverTheByteLimitAndParsesTheNext() {
        var limits = new ImportLimits(20_000, 100, 10_000);
        String longLine = "{\"prompt\": \"" + "x".repeat(200) + "\", \"user_id\": \"u\"}";

        List<LineResult> results = parse(JSONL, bytes(GOOD + "\n" + longLine + "\n" + GOOD), limits);

        assertThat(results.get(1)).isEqualTo(new Bad(2, "line is 230 bytes, over the limit of 100 bytes"));
        assertThat(results.get(2))
                .isInstanceOf(Parsed.class)
                .extracting(LineResult::lineNumber)
                .isEqualTo(3L);
    }

    @Test
    void rendersChatMessagesForTheLabelerAndKeepsTheOriginalArray() {
        ImportedPrompt prompt = onlyPrompt(JSONL, """
                {"messages": [{"role": "system", "content": "Be brief."},\
                 {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "name": "bot"},\
                 {"role": "user", "content": "Name a colour."}], "user_id": "u", "category": "chat"}
                """);

        assertThat(prompt.text())
                .isEqualTo("System: Be brief.\n\nUser: Hi\n\nAssistant: Hello!\n\nUser: Name a colour.");
        assertThat(prompt.messages())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Hello!\",\"name\":\"bot\"},"
                        + "{\"role\":\"user\",\"content\":\"Name a colour.\"}]");
        assertThat(prompt.category()).isEqualTo("CHAT");
    }

    @Test
    void takesMessagesOverPromptWhenAnExportHasBoth() {
        ImportedPrompt prompt = onlyPrompt(JSONL, """
                {"prompt": "User: Hi", "messages": [{"role": "user", "content": "Hi"}], "user_id": "u"}
                """);

        assertThat(prompt.text()).isEqualTo("User: Hi");
        assertThat(prompt.messages()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[] | \"messages\" must be a non-empty array, got an array",
                "{\"role\": \"user\"} | \"messages\" must be a non-empty array, got an object",
                "[\"Hi\"] | messages[0] must be an object with \"role\" and \"content\", got a string \"Hi\"",
                "[{\"role\": \"bot\", \"content\": \"Hi\"}] | messages[0].role must be one of system, user, assistant,"
                        + " got a string \"bot\"",
                "[{\"content\": \"Hi\"}] | messages[0].role must be one of system, user, assistant, got nothing",
                "[{\"role\": \"user\"}] | messages[0].content is missing",
                "[{\"role\": \"user\", \"content\": 5}] | messages[0].content must be a string, got a number (5)",
                "[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"user\", \"content\": \" \"}]"
                        + " | messages[1].content is blank",
                "[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]"
                        + " | the last message must be from the user (the prompt the model answers), got assistant"
            })
    void rejectsMalformedChatMessages(String messages, String reason) {
        assertThat(onlyBad(JSONL, "{\"messages\": " + messages + ", \"user_id\": \"u\"}")
                        .reason())
                .isEqualTo(reason);
    }

    @Test
    void appliesThePromptLimitToTheRenderedConversation() {
        var limits = new ImportLimits(20, 1 << 20, 10_000);
        String line =
                "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(15) + "\"}], \"user_id\": \"u\"}";

        List<LineResult> results = parse(JSONL, bytes(line), limits);

        // "User: " + 15 characters = 21 > 20
        assertThat(results).containsExactly(new Bad(1, "\"messages\" is 21 characters, over the limit of 20"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n"})
    void yieldsNothingForAnEmptyFile(String content) {
        assertThat(parse(JSONL, content)).isEqualTo(content.isEmpty() ? List.of() : List.of(new Bad(1, "empty line")));
    }
}
