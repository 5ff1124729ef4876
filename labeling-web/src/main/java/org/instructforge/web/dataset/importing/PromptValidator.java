package org.instructforge.web.dataset.importing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.instructforge.shared.PromptCategory;
import org.instructforge.web.dataset.Conversation;
import org.instructforge.web.system.StorableText;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one line's fields (a JSON object, or a CSV record made into one) into an {@link ImportedPrompt}, or says
 * what is wrong. JSONL and CSV share it so that both formats accept and reject the same things.
 *
 * <p>Fields the importer does not know are ignored, so that a file written by {@code PromptExport} (which adds
 * {@code id}, {@code split} and {@code status}) imports again; for the same reason {@code prompt} is ignored when
 * {@code messages} is present, since the export writes the rendered conversation there.
 */
final class PromptValidator {

    static final List<String> CATEGORIES =
            Arrays.stream(PromptCategory.values()).map(Enum::name).toList();

    private static final String DEFAULT_CATEGORY = "OTHER";
    private static final String DEFAULT_SOURCE = "CUSTOMER";

    /** How a chat role is introduced in the text a labeler reads. */
    private static final Map<String, String> SPEAKERS = Conversation.SPEAKERS;

    private static final String ALLOWED_CATEGORIES =
            CATEGORIES.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

    private final ImportLimits limits;
    private final JsonMapper json;

    PromptValidator(ImportLimits limits, JsonMapper json) {
        this.limits = limits;
        this.json = json;
    }

    ImportedPrompt validate(JsonNode line) {
        if (!line.isObject()) {
            throw new BadLineException("expected a JSON object, got " + describe(line));
        }
        String text;
        String messages = null;
        JsonNode messagesNode = present(line.get("messages"));
        if (messagesNode != null) {
            text = renderConversation(messagesNode);
            messages = json.writeValueAsString(messagesNode);
        } else {
            text = prompt(present(line.get("prompt")));
        }
        checkLength(messages == null ? "prompt" : "messages", text, limits.maxPromptChars());
        return new ImportedPrompt(
                text,
                messages,
                userId(present(line.get("user_id"))),
                category(present(line.get("category"))),
                source(present(line.get("source"))),
                metadata(present(line.get("metadata"))));
    }

    private static String prompt(JsonNode node) {
        if (node == null) {
            throw new BadLineException("missing \"prompt\" (or \"messages\")");
        }
        if (!node.isString()) {
            throw new BadLineException("\"prompt\" must be a string, got " + describe(node));
        }
        String text = node.asString();
        if (text.isBlank()) {
            throw new BadLineException("\"prompt\" is blank");
        }
        checkStorable("prompt", text);
        return text;
    }

    /**
     * The conversation as a labeler reads it; the last message must be the user's, since that is the turn the
     * model is asked to answer.
     */
    private static String renderConversation(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw new BadLineException("\"messages\" must be a non-empty array, got " + describe(messages));
        }
        var text = new StringBuilder();
        String lastRole = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw new BadLineException(
                        at + " must be an object with \"role\" and \"content\", got " + describe(message));
            }
            JsonNode role = present(message.get("role"));
            if (role == null || !role.isString() || !SPEAKERS.containsKey(role.asString())) {
                throw new BadLineException(at + ".role must be one of system, user, assistant, got "
                        + (role == null ? "nothing" : describe(role)));
            }
            JsonNode content = present(message.get("content"));
            if (content == null) {
                throw new BadLineException(at + ".content is missing");
            }
            if (!content.isString()) {
                throw new BadLineException(at + ".content must be a string, got " + describe(content));
            }
            if (content.asString().isBlank()) {
                throw new BadLineException(at + ".content is blank");
            }
            checkStorable(at + ".content", content.asString());
            if (i > 0) {
                text.append("\n\n");
            }
            lastRole = role.asString();
            text.append(SPEAKERS.get(lastRole)).append(content.asString());
        }
        if (!"user".equals(lastRole)) {
            throw new BadLineException(
                    "the last message must be from the user (the prompt the model answers), got " + lastRole);
        }
        return text.toString();
    }

    private static String userId(JsonNode node) {
        if (node == null) {
            throw new BadLineException("missing \"user_id\"");
        }
        // Integers are accepted because exports from other systems often use numeric ids; a fraction is more
        // likely a spreadsheet having mangled an id than a real one.
        if (!node.isString() && !node.isIntegralNumber()) {
            throw new BadLineException("\"user_id\" must be a string or an integer, got " + describe(node));
        }
        // Stripped: " alice" and "alice" are one person, and splits are made per user.
        String userId = node.asString().strip();
        if (userId.isEmpty()) {
            throw new BadLineException("\"user_id\" is blank");
        }
        checkLength("user_id", userId, ImportLimits.MAX_USER_ID_CHARS);
        checkStorable("user_id", userId);
        return userId;
    }

    /** Case-insensitive; spaces and dashes stand for underscores ("open qa", "Open-QA" are OPEN_QA). */
    private static String category(JsonNode node) {
        if (node == null) {
            return DEFAULT_CATEGORY;
        }
        if (!node.isString()) {
            throw new BadLineException("\"category\" must be a string, got " + describe(node));
        }
        String name = node.asString().strip().toUpperCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
        if (name.isEmpty()) {
            return DEFAULT_CATEGORY;
        }
        if (!CATEGORIES.contains(name)) {
            throw new BadLineException("unknown category " + quote(node.asString()) + "; allowed: " + ALLOWED_CATEGORIES
                    + " (any case; spaces or dashes for underscores)");
        }
        return name;
    }

    private static String source(JsonNode node) {
        if (node == null) {
            return DEFAULT_SOURCE;
        }
        if (!node.isString()) {
            throw new BadLineException("\"source\" must be a string, got " + describe(node));
        }
        String source = node.asString().strip().toUpperCase(Locale.ROOT);
        return switch (source) {
            case "" -> DEFAULT_SOURCE;
            case "LABELER", "CUSTOMER" -> source;
            default ->
                throw new BadLineException("unknown source " + quote(node.asString()) + "; allowed: labeler, customer");
        };
    }

    private String metadata(JsonNode node) {
        if (node == null) {
            return "{}";
        }
        if (!node.isObject()) {
            throw new BadLineException("\"metadata\" must be a JSON object, got " + describe(node));
        }
        checkStorableTree(node);
        String compact = json.writeValueAsString(node);
        if (compact.length() > limits.maxMetadataChars()) {
            throw new BadLineException(String.format(
                    Locale.ROOT,
                    "\"metadata\" is %,d characters of JSON, over the limit of %,d",
                    compact.length(),
                    limits.maxMetadataChars()));
        }
        return compact;
    }

    private static void checkLength(String field, String value, int max) {
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            throw new BadLineException(
                    String.format(Locale.ROOT, "\"%s\" is %,d characters, over the limit of %,d", field, length, max));
        }
    }

    /** Text the database cannot hold ({@link StorableText}) is a bad line, with its number, not a failed import. */
    private static void checkStorable(String field, String value) {
        String problem = StorableText.problem(value);
        if (problem != null) {
            throw new BadLineException(field + " " + problem);
        }
    }

    private static void checkStorableTree(JsonNode node) {
        if (node.isString()) {
            checkStorable("metadata", node.asString());
        } else if (node.isObject()) {
            for (var property : node.properties()) {
                checkStorable("metadata", property.getKey());
                checkStorableTree(property.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                checkStorableTree(element);
            }
        }
    }

    /** A JSON null counts as absent, as an empty CSV cell does. */
    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string " + quote(node.asString());
            case NUMBER -> "a number (" + node + ")";
            case BOOLEAN -> "a boolean (" + node + ")";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** Quoted and cut short, so that a reason stays readable when the value is a pasted paragraph. */
    static String quote(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "\"" + shown + "\"";
    }
}
