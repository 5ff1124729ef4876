package org.instructforge.training.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a checkpoint turns a conversation into the text its model reads, for every stage (SFT, generation, candidates,
 * evaluation): the model's own chat template ({@code tokenizer_config.json}'s {@code chat_template}, rendered by
 * {@link JinjaChatTemplate}), or, for a model without one (the shipped GPT-2 base), its
 * {@link org.instructforge.training.corpus.ChatTemplate User:/Assistant: format}.
 */
public interface ChatFormat {

    /** A stretch of the rendered conversation; {@code assistant} stretches are the ones SFT learns. */
    record Piece(String text, boolean assistant) {}

    /** Token ids and, per token, whether SFT learns it (it lies in an assistant turn). */
    record Tokens(long[] ids, boolean[] trained) {}

    /** The conversation up to the assistant's next turn: what generation continues. */
    String prompt(List<ChatMessage> conversation);

    /**
     * The whole conversation (ending with an assistant turn) in stretches: the assistant turns, each with its
     * end-of-turn marker (what the model learns to stop on), between the rest.
     */
    List<Piece> pieces(List<ChatMessage> conversation);

    /**
     * The text of {@code answer} as the assistant's turn after {@code question}, with its end-of-turn marker: what
     * follows {@link #prompt} in a scored or ranked sequence.
     */
    default String response(List<ChatMessage> question, String answer) {
        List<ChatMessage> conversation = new ArrayList<>(question);
        conversation.add(ChatMessage.assistant(answer));
        List<Piece> pieces = pieces(conversation);
        for (int i = pieces.size() - 1; i >= 0; i--) {
            if (pieces.get(i).assistant()) {
                return pieces.get(i).text();
            }
        }
        throw new IllegalStateException("the chat template rendered no assistant turn");
    }

    /** The whole conversation (ending with an assistant turn) as one text, e.g. a PPO-ptx transcript. */
    default String transcript(List<ChatMessage> conversation) {
        StringBuilder text = new StringBuilder();
        pieces(conversation).forEach(p -> text.append(p.text()));
        return text.toString();
    }

    /** The answer inside generated text: up to the end of the turn, trimmed. */
    String answerOf(String generated);

    /** The format of the model in {@code modelDir}: its chat template when its tokenizer config has one. */
    static ChatFormat of(Path modelDir) throws IOException {
        return of(modelDir, Clock.systemUTC());
    }

    /** As {@link #of(Path)}, with the clock a template's {@code strftime_now} reads. */
    static ChatFormat of(Path modelDir, Clock clock) throws IOException {
        Path config = modelDir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(config)) {
            return new Gpt2ChatFormat();
        }
        JsonNode json = JsonMapper.builder().build().readTree(config.toFile());
        JsonNode template = json.path("chat_template");
        if (template.isArray()) {
            // Several named templates (tool use, RAG...): the one named "default" is apply_chat_template's.
            for (JsonNode named : template) {
                if (named.path("name").asString("").equals("default")) {
                    template = named.path("template");
                }
            }
        }
        if (!template.isString() || template.asString().isBlank()) {
            return new Gpt2ChatFormat();
        }
        return new HfChatFormat(
                new JinjaChatTemplate(
                        template.asString(), token(json.path("bos_token")), token(json.path("eos_token")), clock),
                token(json.path("eos_token")));
    }

    /** A special token as tokenizer configs write it: a string, or an AddedToken object with its content. */
    private static String token(JsonNode node) {
        if (node.isObject()) {
            return node.path("content").asString("");
        }
        return node.isString() ? node.asString() : "";
    }

    /**
     * The pieces as tokens, each piece encoded on its own (so no token straddles a turn boundary) and marked trained
     * when it is an assistant turn.
     */
    static Tokens encode(List<Piece> pieces, Function<String, long[]> encoder) {
        List<long[]> parts = new ArrayList<>();
        int length = 0;
        for (Piece p : pieces) {
            long[] ids = p.text().isEmpty() ? new long[0] : encoder.apply(p.text());
            parts.add(ids);
            length += ids.length;
        }
        long[] ids = new long[length];
        boolean[] trained = new boolean[length];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            long[] part = parts.get(i);
            System.arraycopy(part, 0, ids, at, part.length);
            if (pieces.get(i).assistant()) {
                java.util.Arrays.fill(trained, at, at + part.length, true);
            }
            at += part.length;
        }
        return new Tokens(ids, trained);
    }
}
