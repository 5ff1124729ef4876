package org.instructforge.web.dataset.importing;

import java.util.Objects;

/**
 * One valid prompt read from an import file, ready to become a {@code prompt} row.
 *
 * @param text the prompt a labeler sees; for a chat-style line, the conversation rendered as
 *     {@code "User: ...\n\nAssistant: ...\n\nUser: ..."}
 * @param messages the original {@code messages} array as compact JSON, or null for a plain prompt
 * @param userId who wrote the prompt (splits and per-user caps key on it), stripped, at most 200 characters
 * @param category a {@code PromptCategory} name, e.g. {@code OPEN_QA}; {@code OTHER} when the file gave none
 * @param source {@code LABELER} or {@code CUSTOMER} ({@code PromptSource} names); {@code CUSTOMER} when absent
 * @param metadata a JSON object as compact JSON, {@code "{}"} when absent
 */
public record ImportedPrompt(
        String text, String messages, String userId, String category, String source, String metadata) {

    public ImportedPrompt {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metadata, "metadata");
    }
}
