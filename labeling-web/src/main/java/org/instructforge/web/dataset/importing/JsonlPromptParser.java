package org.instructforge.web.dataset.importing;

import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** JSON Lines: each line is one JSON object, a plain prompt or a chat-style {@code messages} list. */
final class JsonlPromptParser extends PromptFileParser {

    JsonlPromptParser(InputStream in, ImportLimits limits) {
        super(in, limits);
    }

    @Override
    LineResult readNext() throws IOException {
        LineReader.Line line = lines.next();
        if (line == null) {
            return null;
        }
        if (line.problem() != null) {
            return new LineResult.Bad(line.number(), line.problem());
        }
        if (line.text().isBlank()) {
            return new LineResult.Bad(line.number(), "empty line");
        }
        try {
            return new LineResult.Parsed(line.number(), validator.validate(parse(line.text())));
        } catch (BadLineException e) {
            return new LineResult.Bad(line.number(), e.getMessage());
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new BadLineException(jsonError(e));
        }
    }

    /** Jackson's message without the source excerpt and location it appends; the column is given instead. */
    static String jsonError(JacksonException e) {
        String message = e.getOriginalMessage();
        int firstLine = message.indexOf('\n');
        if (firstLine >= 0) {
            message = message.substring(0, firstLine);
        }
        // "(start marker at [Source: REDACTED ...; byte offset: #UNKNOWN])" says nothing to an admin.
        message = message.replaceAll("\\s*\\(start marker at \\[Source:.*?\\]\\)", "");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        var location = e.getLocation();
        String column =
                location != null && location.getColumnNr() > 0 ? " (column " + location.getColumnNr() + ")" : "";
        return "not valid JSON: " + message + column;
    }
}
