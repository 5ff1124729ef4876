package org.instructforge.web.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.prompt.ConversationText;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat-imported prompt as a conversation. The import renders its {@code messages} into the prompt's text ("User:
 * ...", "Assistant: ...", one blank line between turns), which is what labelers see, the PII scrub and admins edit,
 * and what training reads. The imported {@code messages} column keeps the original turns and is never scrubbed, so
 * no export may write it: {@link #messages} rebuilds the turns from the current text instead, using the original
 * only for the roles.
 */
public final class Conversation {

    /** How each role's turn starts in the rendered text. */
    public static final Map<String, String> SPEAKERS = ConversationText.SPEAKERS;

    private Conversation() {}

    /**
     * The conversation as {@code [{"role", "content"}]}, every content taken from {@code text} (the prompt's current,
     * scrubbed text). When the text no longer splits into the original turns (an edit removed one), the whole text is
     * one user turn: the structure is lost, never the scrub.
     *
     * @param originalMessages the imported {@code messages} JSON (only its roles are read); null for a plain prompt,
     *     which is one user turn
     */
    public static List<Map<String, String>> messages(String text, String originalMessages, JsonMapper json) {
        List<String> roles = new ArrayList<>();
        if (originalMessages != null) {
            for (JsonNode message : json.readTree(originalMessages)) {
                roles.add(message.path("role").asString());
            }
        }
        List<Map<String, String>> turns = ConversationText.split(text, roles);
        return turns != null ? turns : List.of(ConversationText.turn("user", text));
    }

    /** An assistant turn, as TRL's conversational completions are written. */
    public static List<Map<String, String>> assistant(String content) {
        return List.of(ConversationText.turn("assistant", content));
    }
}
