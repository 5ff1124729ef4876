package org.instructforge.shared.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a chat-imported prompt's turns live in its text: the import renders its {@code messages} as "User: ...",
 * "Assistant: ..." (one blank line between turns), which is what labelers see, the PII scrub and admins edit. The
 * turns are rebuilt from that text with the original messages' roles only (the original contents are never
 * scrubbed), by labeling-web's exports and by training alike.
 */
public final class ConversationText {

    /** How each role's turn starts in the rendered text. */
    public static final Map<String, String> SPEAKERS =
            Map.of("system", "System: ", "user", "User: ", "assistant", "Assistant: ");

    private static final String BETWEEN_TURNS = "\n\n";

    private ConversationText() {}

    /**
     * The turns of {@code text} as {@code [{"role", "content"}]} for the given roles, in order; null when the text no
     * longer splits into them (an edit removed a turn) or there are no roles.
     */
    public static List<Map<String, String>> split(String text, List<String> roles) {
        if (roles.isEmpty()) {
            return null;
        }
        List<Map<String, String>> turns = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < roles.size(); i++) {
            String speaker = SPEAKERS.get(roles.get(i));
            if (speaker == null || !text.startsWith(speaker, at)) {
                return null;
            }
            int start = at + speaker.length();
            int end = i == roles.size() - 1
                    ? text.length()
                    : text.indexOf(BETWEEN_TURNS + SPEAKERS.get(roles.get(i + 1)), start);
            if (end < 0) {
                return null;
            }
            turns.add(turn(roles.get(i), text.substring(start, end)));
            at = end + BETWEEN_TURNS.length();
        }
        return turns;
    }

    /** One turn as chat APIs and TRL write it. */
    public static Map<String, String> turn(String role, String content) {
        Map<String, String> turn = new LinkedHashMap<>();
        turn.put("role", role);
        turn.put("content", content);
        return turn;
    }
}
