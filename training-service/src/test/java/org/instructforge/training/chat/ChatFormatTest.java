package org.instructforge.training.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.instructforge.training.chat.ChatFormat.Piece;
import org.instructforge.training.corpus.ChatTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real chat templates, copied verbatim from the models' {@code tokenizer_config.json} (Llama 3.2 Instruct, Qwen2.5
 * Instruct, SmolLM2 Instruct; test resources), rendered by jinjava to exactly what {@code transformers}'
 * {@code apply_chat_template} (Jinja2) renders.
 */
class ChatFormatTest {

    static final Clock DEC_3_2026 = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    static ChatFormat real(String model) throws Exception {
        return ChatFormat.of(
                Path.of(ChatFormatTest.class
                                .getResource(model + "/tokenizer_config.json")
                                .toURI())
                        .getParent(),
                DEC_3_2026);
    }

    static final List<ChatMessage> EXCHANGE = List.of(
            new ChatMessage("system", "Answer in one word."),
            ChatMessage.user("Capital of France?"),
            ChatMessage.assistant("Paris"),
            ChatMessage.user("And of Italy?"),
            ChatMessage.assistant("Rome"));

    @Test
    void llama32RendersItsSystemBlockWithTodaysDateAndTheGenerationPrompt() throws Exception {
        assertThat(real("llama-3.2").prompt(List.of(ChatMessage.user("Hi"))))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 03 Dec 2026\n\n<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama32MasksEachAssistantTurnWithItsEndOfTurnToken() throws Exception {
        assertThat(real("llama-3.2").pieces(EXCHANGE))
                .containsExactly(
                        new Piece(
                                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                                        + "Cutting Knowledge Date: December 2023\nToday Date: 03 Dec 2026\n\n"
                                        + "Answer in one word.<|eot_id|>"
                                        + "<|start_header_id|>user<|end_header_id|>\n\nCapital of France?<|eot_id|>"
                                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                                false),
                        new Piece("Paris<|eot_id|>", true),
                        new Piece(
                                "<|start_header_id|>user<|end_header_id|>\n\nAnd of Italy?<|eot_id|>"
                                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                                false),
                        new Piece("Rome<|eot_id|>", true));
    }

    @Test
    void qwen25AddsItsDefaultSystemPromptAndKeepsAGivenOne() throws Exception {
        ChatFormat qwen = real("qwen2.5");
        assertThat(qwen.prompt(List.of(ChatMessage.user("Hi"))))
                .isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                        + "assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(qwen.pieces(EXCHANGE))
                .containsExactly(
                        new Piece(
                                "<|im_start|>system\nAnswer in one word.<|im_end|>\n"
                                        + "<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n",
                                false),
                        new Piece("Paris<|im_end|>\n", true),
                        new Piece("<|im_start|>user\nAnd of Italy?<|im_end|>\n<|im_start|>assistant\n", false),
                        new Piece("Rome<|im_end|>\n", true));
        assertThat(qwen.answerOf(" Paris<|im_end|>\n<|im_start|>user")).isEqualTo("Paris");
    }

    @Test
    void smolLm2RendersItsDefaultSystemPromptOnlyWithoutOne() throws Exception {
        ChatFormat smol = real("smollm2");
        assertThat(smol.prompt(List.of(ChatMessage.user("Hi"))))
                .isEqualTo("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
                        + "Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(smol.prompt(List.of(new ChatMessage("system", "Be brief."), ChatMessage.user("Hi"))))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void raiseExceptionRefusesTheConversationWithTheTemplatesMessage() throws Exception {
        Files.writeString(tmp.resolve("tokenizer_config.json"), """
                {"eos_token": "</s>", "chat_template": "{% for m in messages %}{% if (m['role'] == 'user') != \
                (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant') }}\
                {% endif %}{{ m['content'] + eos_token }}{% endfor %}"}
                """);
        ChatFormat strict = ChatFormat.of(tmp);

        assertThat(strict.prompt(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"))))
                .isEqualTo("a</s>b</s>");
        assertThatThrownBy(() -> strict.prompt(List.of(ChatMessage.assistant("b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant");
    }

    @Test
    void theGpt2BaseKeepsItsOwnTemplate() throws Exception {
        ChatFormat base = ChatFormat.of(Path.of("../models/base"));

        assertThat(base.prompt(List.of(ChatMessage.user("Capital of France?"))))
                .isEqualTo(ChatTemplate.prompt("Capital of France?"));
        assertThat(base.pieces(List.of(ChatMessage.user("Capital of France?"), ChatMessage.assistant("Paris"))))
                .containsExactly(
                        new Piece(ChatTemplate.prompt("Capital of France?"), false),
                        new Piece(ChatTemplate.response("Paris"), true));
        // PPO-ptx renders its corpus through the policy's format: for GPT-2 the transcripts it was pretrained on
        assertThat(base.transcript(List.of(ChatMessage.user("Capital of France?"), ChatMessage.assistant("Paris"))))
                .isEqualTo(ChatTemplate.transcript("Capital of France?", "Paris"));
        assertThat(base.prompt(EXCHANGE.subList(0, 4)))
                .isEqualTo(ChatTemplate.prompt("Answer in one word.\nCapital of France?") + " Paris"
                        + ChatTemplate.END_OF_TEXT + ChatTemplate.prompt("And of Italy?"));
    }

    @Test
    void encodingMarksExactlyTheAssistantTokensAsTrained() {
        List<Piece> pieces = List.of(new Piece("ab", false), new Piece("cde", true), new Piece("f", false));
        ChatFormat.Tokens tokens =
                ChatFormat.encode(pieces, s -> s.chars().asLongStream().toArray());

        assertThat(tokens.ids()).containsExactly('a', 'b', 'c', 'd', 'e', 'f');
        assertThat(tokens.trained()).containsExactly(false, false, true, true, true, false);
    }
}
