package org.instructforge.training.chat;

import java.util.ArrayList;
import java.util.List;
import org.instructforge.training.corpus.ChatTemplate;

/**
 * The shipped GPT-2 base model's format ({@link ChatTemplate}): each exchange a {@code User: ... Assistant: ...}
 * transcript, earlier exchanges one after the other (a prompt looks the same whether it opens a context or follows
 * another transcript). The format has no system turn: system messages open the next user turn.
 */
final class Gpt2ChatFormat implements ChatFormat {

    @Override
    public String prompt(List<ChatMessage> conversation) {
        List<Piece> pieces = pieces(conversation, true);
        StringBuilder text = new StringBuilder();
        pieces.forEach(p -> text.append(p.text()));
        return text.toString();
    }

    @Override
    public List<Piece> pieces(List<ChatMessage> conversation) {
        return pieces(conversation, false);
    }

    private static List<Piece> pieces(List<ChatMessage> conversation, boolean openAssistantTurn) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder user = new StringBuilder();
        for (ChatMessage m : conversation) {
            if (m.isAssistant()) {
                if (user.isEmpty()) {
                    throw new IllegalArgumentException("every assistant turn must answer a user turn");
                }
                pieces.add(new Piece(ChatTemplate.prompt(user.toString()), false));
                pieces.add(new Piece(ChatTemplate.response(m.content()), true));
                user.setLength(0);
            } else {
                if (!user.isEmpty()) {
                    user.append('\n');
                }
                user.append(m.content().strip());
            }
        }
        if (openAssistantTurn) {
            if (user.isEmpty()) {
                throw new IllegalArgumentException("the conversation must end with a user turn to be answered");
            }
            pieces.add(new Piece(ChatTemplate.prompt(user.toString()), false));
        }
        return pieces;
    }

    @Override
    public String answerOf(String generated) {
        return ChatTemplate.answerOf(generated);
    }
}
