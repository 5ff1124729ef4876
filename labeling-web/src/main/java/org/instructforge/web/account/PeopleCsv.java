package org.instructforge.web.account;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A CSV file of people to invite, read as strictly as the prompt import reads its CSV (RFC 4180: fields optionally
 * in double quotes, {@code ""} for a quote inside, line breaks inside quotes; a quote inside an unquoted field, text
 * after a closing quote or a wrong number of fields is an error, never a guess that shifts a role into the name).
 *
 * <p>Header (any case, {@code "User name"} = {@code user_name}): {@code user_name, display_name, roles} and
 * optionally {@code email} and {@code team}; roles, and teams, separated by {@code ;}. A team that does not exist yet
 * is created. A people file is small (at most {@link #MAX_ROWS} rows), so
 * it is read whole rather than streamed.
 */
final class PeopleCsv {

    static final int MAX_ROWS = 5000;
    static final List<String> REQUIRED = List.of("user_name", "display_name", "roles");
    static final List<String> COLUMNS = List.of("user_name", "display_name", "roles", "email", "team");
    private static final Map<String, String> ALIASES = Map.of(
            "username",
            "user_name",
            "name",
            "display_name",
            "displayname",
            "display_name",
            "role",
            "roles",
            "teams",
            "team");

    /** One data row as the person it describes, with the line it starts on. */
    record Row(long line, NewPerson person) {}

    /** A line that cannot be used, and why. */
    record BadLine(long line, String reason) {}

    record Result(List<Row> rows, List<BadLine> bad) {}

    private record Record(long line, List<String> fields, String problem) {}

    private PeopleCsv() {}

    static Result parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<BadLine> bad = new ArrayList<>();
        List<Record> records = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
        if (records.isEmpty()) {
            bad.add(new BadLine(1, "the file is empty: it needs a header row (user_name, display_name, roles, email)"));
            return new Result(rows, bad);
        }
        Record head = records.get(0);
        if (head.problem() != null) {
            bad.add(new BadLine(head.line(), "header: " + head.problem()));
            return new Result(rows, bad);
        }
        List<String> header = head.fields().stream().map(PeopleCsv::normalize).toList();
        String headerProblem = checkHeader(header, head.fields());
        if (headerProblem != null) {
            bad.add(new BadLine(head.line(), "header: " + headerProblem));
            return new Result(rows, bad);
        }
        if (records.size() == 1) {
            bad.add(new BadLine(head.line(), "no people after the header"));
        }
        if (records.size() - 1 > MAX_ROWS) {
            bad.add(new BadLine(records.get(MAX_ROWS + 1).line(), "more than " + MAX_ROWS + " people in one file"));
            return new Result(rows, bad);
        }
        for (Record record : records.subList(1, records.size())) {
            if (record.problem() != null) {
                bad.add(new BadLine(record.line(), record.problem()));
            } else if (record.fields().size() != header.size()) {
                bad.add(new BadLine(
                        record.line(),
                        "expected " + header.size() + " fields (" + String.join(", ", header) + "), found "
                                + record.fields().size()));
            } else {
                String email = header.contains("email") ? cell(header, record, "email") : "";
                List<String> roles = list(cell(header, record, "roles"));
                List<String> teams = header.contains("team") ? list(cell(header, record, "team")) : List.of();
                rows.add(new Row(
                        record.line(),
                        new NewPerson(
                                cell(header, record, "user_name").strip(),
                                cell(header, record, "display_name").strip(),
                                email.strip(),
                                roles,
                                teams)));
            }
        }
        return new Result(rows, bad);
    }

    /** A cell holding several values separated by {@code ;}, blanks dropped. */
    private static List<String> list(String cell) {
        return List.of(cell.split(";")).stream()
                .map(String::strip)
                .filter(value -> !value.isEmpty())
                .toList();
    }

    private static String cell(List<String> header, Record record, String column) {
        return record.fields().get(header.indexOf(column));
    }

    private static String checkHeader(List<String> names, List<String> raw) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) return "column " + (i + 1) + " has no name";
            if (!COLUMNS.contains(names.get(i))) {
                return "unknown column \"" + raw.get(i).strip() + "\"; the columns are " + String.join(", ", COLUMNS);
            }
            if (!seen.add(names.get(i))) return "column \"" + names.get(i) + "\" appears twice";
        }
        for (String required : REQUIRED) {
            if (!seen.contains(required)) return "no \"" + required + "\" column";
        }
        return null;
    }

    private static String normalize(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
        return ALIASES.getOrDefault(key.replace("_", ""), ALIASES.getOrDefault(key, key));
    }

    /** Splits the text into records, each with the line it starts on; blank lines are skipped. */
    private static List<Record> records(String text) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long line = 1;
        long start = 1;
        boolean quoted = false;
        boolean fieldStarted = false; // something was read in this record
        boolean afterQuote = false; // a quoted field just closed
        String problem = null;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '\n';
            boolean end = i == text.length();
            if (quoted) {
                if (end) {
                    records.add(new Record(start, null, "unclosed quote: the record runs to the end of the file"));
                    return records;
                }
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') line++;
                    if (c != '\r') field.append(c);
                }
                continue;
            }
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            }
            if (c == '\n') {
                if (fieldStarted || !fields.isEmpty()) {
                    fields.add(field.toString());
                    records.add(
                            problem == null
                                    ? new Record(start, List.copyOf(fields), null)
                                    : new Record(start, null, problem));
                }
                fields.clear();
                field.setLength(0);
                fieldStarted = false;
                afterQuote = false;
                problem = null;
                if (end) break;
                line++;
                start = line;
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
                fieldStarted = true;
                continue;
            }
            if (c == '"' && field.isEmpty() && !afterQuote) {
                quoted = true;
                fieldStarted = true;
                continue;
            }
            if (problem == null && afterQuote) {
                problem = "text after the closing quote of field " + (fields.size() + 1);
            } else if (problem == null && c == '"') {
                problem = "a quote inside an unquoted field (field " + (fields.size() + 1)
                        + "); quote the whole field and double the quote";
            }
            field.append(c);
            fieldStarted = true;
        }
        return records;
    }
}
