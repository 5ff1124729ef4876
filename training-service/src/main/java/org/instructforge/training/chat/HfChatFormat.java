package org.instructforge.training.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's own chat template. The assistant turns of a rendered conversation are found the way the template itself
 * draws them: the text before turn {@code i} is the conversation up to it rendered with the generation prompt, the
 * turn ends where the conversation up to and including it ends. Both must be prefixes of the whole rendering (true
 * of Llama 3.x, Qwen2.5, SmolLM2 and Mistral templates); a template that rewrites earlier turns is refused for
 * training rather than masked wrongly.
 */
final class HfChatFormat implements ChatFormat {

    private final JinjaChatTemplate template;
    private final String eosToken;

    HfChatFormat(JinjaChatTemplate template, String eosToken) {
        this.template = template;
        this.eosToken = eosToken;
    }

    @Override
    public String prompt(List<ChatMessage> conversation) {
        return template.render(conversation, true);
    }

    @Override
    public List<Piece> pieces(List<ChatMessage> conversation) {
        String whole = template.render(conversation, false);
        List<Piece> pieces = new ArrayList<>();
        int done = 0;
        for (int i = 0; i < conversation.size(); i++) {
            if (!conversation.get(i).isAssistant()) {
                continue;
            }
            if (i == 0) {
                throw new IllegalArgumentException("a conversation cannot open with the assistant");
            }
            String before = template.render(conversation.subList(0, i), true);
            String through = template.render(conversation.subList(0, i + 1), false);
            if (!whole.startsWith(before)
                    || !whole.startsWith(through)
                    || before.length() < done
                    || through.length() < before.length()) {
                throw new IllegalArgumentException("this chat template renders earlier turns differently as the "
                        + "conversation grows, so its assistant turns cannot be masked for training");
            }
            pieces.add(new Piece(whole.substring(done, before.length()), false));
            pieces.add(new Piece(whole.substring(before.length(), through.length()), true));
            done = through.length();
        }
        if (done < whole.length()) {
            pieces.add(new Piece(whole.substring(done), false));
        }
        return pieces;
    }

    @Override
    public String answerOf(String generated) {
        int end = eosToken.isEmpty() ? -1 : generated.indexOf(eosToken);
        return (end >= 0 ? generated.substring(0, end) : generated).strip();
    }
}
