package org.instructforge.web.dataset.importing;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes, {@code ""} for a quote inside quotes, line
 * breaks allowed inside quotes (a CRLF there becomes {@code \n}). The first record is the header. Each record
 * becomes a JSON object of its cells (the {@code metadata} cell parsed as JSON) and is validated like a JSONL line.
 *
 * <p>Stricter than spreadsheets' readers on purpose: a quote inside an unquoted field, text after a closing
 * quote, or a record with the wrong number of fields is an error rather than a guess, since a guess silently
 * shifts a prompt into the wrong column.
 */
final class CsvPromptParser extends PromptFileParser {

    static final List<String> COLUMNS = List.of("prompt", "user_id", "category", "source", "metadata");

    private enum State {
        FIELD_START,
        UNQUOTED,
        QUOTED,
        /** A quote inside a quoted field: the field's end, or the first half of {@code ""}. */
        QUOTE_IN_QUOTED
    }

    /** One record's cells, or why it cannot be used. */
    private record Record(long lineNumber, List<String> fields, String problem) {}

    private List<String> header;
    private boolean headerRejected;

    // The record being read; reused, and never more than ImportLimits.maxLineBytes() of text.
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private State state;
    private String problem;

    CsvPromptParser(InputStream in, ImportLimits limits) {
        super(in, limits);
    }

    @Override
    LineResult readNext() throws IOException {
        if (headerRejected) {
            return null; // without a usable header no record can be read
        }
        if (header == null) {
            Record first = readRecord();
            if (first == null) {
                return null;
            }
            String headerProblem = first.problem() != null ? first.problem() : checkHeader(first.fields());
            if (headerProblem != null) {
                headerRejected = true;
                return new LineResult.Bad(first.lineNumber(), "header: " + headerProblem);
            }
            header = normalizedNames(first.fields());
        }
        Record record = readRecord();
        if (record == null) {
            return null;
        }
        if (record.problem() != null) {
            return new LineResult.Bad(record.lineNumber(), record.problem());
        }
        if (record.fields().size() != header.size()) {
            return new LineResult.Bad(
                    record.lineNumber(),
                    "expected " + header.size() + " fields (" + String.join(", ", header) + "), found "
                            + record.fields().size());
        }
        try {
            return new LineResult.Parsed(record.lineNumber(), validator.validate(toObject(record.fields())));
        } catch (BadLineException e) {
            return new LineResult.Bad(record.lineNumber(), e.getMessage());
        }
    }

    private ObjectNode toObject(List<String> cells) {
        ObjectNode object = JSON.createObjectNode();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            String cell = cells.get(i);
            if (column.equals("metadata")) {
                if (!cell.isBlank()) {
                    object.set(column, parseMetadata(cell));
                }
            } else {
                object.put(column, cell);
            }
        }
        return object;
    }

    private static JsonNode parseMetadata(String cell) {
        try {
            return JSON.readTree(cell);
        } catch (JacksonException e) {
            throw new BadLineException("\"metadata\" is " + JsonlPromptParser.jsonError(e));
        }
    }

    /**
     * Reads the next record, which may span lines when a quoted field holds line breaks.
     *
     * @return the record, or null at the end of the file
     */
    private Record readRecord() throws IOException {
        long recordStart = lines.bytesConsumed();
        LineReader.Line line = lines.next();
        if (line == null) {
            return null;
        }
        long start = line.number();
        if (line.text() == null) {
            return new Record(start, null, line.problem()); // too long: skipped by the line reader
        }
        if (line.problem() == null && line.text().isBlank()) {
            return new Record(start, null, "empty line");
        }
        fields.clear();
        field.setLength(0);
        state = State.FIELD_START;
        problem = line.problem(); // invalid UTF-8: the record is bad, but quotes are still followed to find its end
        while (true) {
            scan(line.text());
            if (state != State.QUOTED) {
                fields.add(field.toString());
                break;
            }
            field.append('\n');
            line = lines.next();
            if (line == null) {
                return new Record(
                        start,
                        null,
                        problem != null ? problem : "unclosed quote: the record runs to the end of the file");
            }
            if (line.text() == null) {
                // The rest of the record is lost with the long line; the next record starts on the line after it.
                return new Record(start, null, line.problem() + " on line " + line.number());
            }
            if (line.problem() != null && problem == null) {
                problem = line.problem() + " on line " + line.number();
            }
            if (lines.bytesConsumed() - recordStart > limits.maxLineBytes()) {
                // Most likely a stray quote swallowing the following lines: report it and start afresh on the next
                // line, which then parses as the row it probably is.
                return new Record(
                        start,
                        null,
                        String.format(
                                Locale.ROOT,
                                "record is over the limit of %,d bytes by line %d; is a quote left open?",
                                limits.maxLineBytes(),
                                line.number()));
            }
        }
        return problem != null ? new Record(start, null, problem) : new Record(start, List.copyOf(fields), null);
    }

    /** Advances the record's state over one line of text (without its line ending). */
    private void scan(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case FIELD_START -> {
                    if (c == '"') {
                        state = State.QUOTED;
                    } else if (c == ',') {
                        endField();
                    } else {
                        field.append(c);
                        state = State.UNQUOTED;
                    }
                }
                case UNQUOTED -> {
                    if (c == ',') {
                        endField();
                    } else {
                        if (c == '"') {
                            fail("a quote inside an unquoted field (field " + (fields.size() + 1)
                                    + "); quote the whole field and double the quote: \"a \"\"b\"\" c\"");
                        }
                        field.append(c);
                    }
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = State.QUOTE_IN_QUOTED;
                    } else {
                        field.append(c);
                    }
                }
                case QUOTE_IN_QUOTED -> {
                    if (c == '"') {
                        field.append('"');
                        state = State.QUOTED;
                    } else if (c == ',') {
                        endField();
                    } else {
                        fail("text after the closing quote of field " + (fields.size() + 1));
                        field.append(c);
                        state = State.UNQUOTED;
                    }
                }
            }
        }
    }

    private void endField() {
        fields.add(field.toString());
        field.setLength(0);
        state = State.FIELD_START;
    }

    private void fail(String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    /** @return what is wrong with the header, or null */
    private static String checkHeader(List<String> names) {
        List<String> normalized = normalizedNames(names);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < normalized.size(); i++) {
            String name = normalized.get(i);
            if (name.isEmpty()) {
                return "column " + (i + 1) + " has no name";
            }
            if (!seen.add(name)) {
                return "column \"" + name + "\" appears twice";
            }
        }
        // The missing required columns first: "no prompt column" says more than "unknown column text".
        if (!seen.contains("prompt")) {
            return "no \"prompt\" column (found: " + String.join(", ", names) + ")";
        }
        // Every record needs a user id (splits and caps are per user): one error here instead of one per record.
        if (!seen.contains("user_id")) {
            return "no \"user_id\" column; every prompt needs the id of the user who wrote it (found: "
                    + String.join(", ", names) + ")";
        }
        for (int i = 0; i < normalized.size(); i++) {
            // Unknown columns are refused rather than ignored: a misspelt "categroy" would otherwise put every
            // prompt in OTHER without a word.
            if (!COLUMNS.contains(normalized.get(i))) {
                return "unknown column " + PromptValidator.quote(names.get(i)) + "; known columns: "
                        + String.join(", ", COLUMNS);
            }
        }
        return null;
    }

    /** Header names are case-insensitive, and "User ID" or "user-id" mean user_id. */
    private static List<String> normalizedNames(List<String> names) {
        return names.stream()
                .map(name -> name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "_"))
                .toList();
    }
}
