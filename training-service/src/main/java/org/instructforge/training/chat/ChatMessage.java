package org.instructforge.training.chat;

/** One turn of a conversation, as chat templates and the prompt import's {@code messages} name it. */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("a message needs a role");
        }
        content = content == null ? "" : content;
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    boolean isAssistant() {
        return role.equals("assistant");
    }
}
