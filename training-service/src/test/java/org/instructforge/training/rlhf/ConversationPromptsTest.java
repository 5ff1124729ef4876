package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.BaseModel;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.Sequences;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A prompt imported as a conversation reaches every trainer as its turns, rendered by the model's chat template (a
 * ChatML one here), never as one user turn holding the whole transcript: SFT, the reward model and DPO (both read
 * {@link Rankings}), and PPO's prompts. The GPT-2 base's byte-level tokenizer decodes back to the exact text, so the
 * tests compare rendered strings.
 */
class ConversationPromptsTest {

    static final List<ChatMessage> QUESTION = List.of(
            new ChatMessage("system", "Be brief."),
            ChatMessage.user("Capital of France?"),
            ChatMessage.assistant("Paris"),
            ChatMessage.user("And of Italy?"));
    static final String RENDERED_QUESTION = "<|im_start|>system\nBe brief.<|im_end|>\n"
            + "<|im_start|>user\nCapital of France?<|im_end|>\n"
            + "<|im_start|>assistant\nParis<|im_end|>\n"
            + "<|im_start|>user\nAnd of Italy?<|im_end|>\n"
            + "<|im_start|>assistant\n";

    static ChatFormat chatMl;
    static GptTokenizer tokenizer;

    @BeforeAll
    static void formatAndTokenizer() throws Exception {
        chatMl = ChatFormat.of(Path.of(ConversationPromptsTest.class
                .getResource("/org/instructforge/training/model/llama-family/tiny-chat")
                .toURI()));
        tokenizer = GptTokenizer.load(BaseModel.dir());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void sftLearnsEveryAssistantTurnOfTheConversationAfterAllItsTurns() {
        SftTrainer.Example example = new SftTrainer.Example(QUESTION.subList(0, 3), "And of Italy?", "Rome");
        Sequences.Row row = new SftTrainer(
                        SftTrainer.Settings.defaults(),
                        MetricSink.NONE,
                        new PrintStream(PrintStream.nullOutputStream()))
                .encode(tokenizer, chatMl, List.of(example))
                .get(0);

        assertThat(tokenizer.decode(row.tokens())).isEqualTo(RENDERED_QUESTION + "Rome<|im_end|>\n");
        List<Long> trained = new ArrayList<>();
        for (int i = 0; i < row.tokens().length; i++) {
            if (row.trained()[i]) {
                trained.add(row.tokens()[i]);
            }
        }
        assertThat(tokenizer.decode(trained.stream().mapToLong(Long::longValue).toArray()))
                .isEqualTo("Paris<|im_end|>\nRome<|im_end|>\n");
    }

    @Test
    void theRewardModelAndDpoScoreEachOutputAfterAllTheTurns() {
        RewardTrainer.RankedExample ranked = new RewardTrainer.RankedExample(
                QUESTION,
                List.of("Rome", "Milan", "Paris", "No idea"),
                RankedCandidates.of(List.of(0L, 1L, 2L, 3L), List.of(1, 2, 3, 4)));

        Rankings.Encoded encoded =
                Rankings.encode(tokenizer, chatMl, List.of(ranked), 256, 32).get(0);

        assertThat(tokenizer.decode(encoded.prompt())).isEqualTo(RENDERED_QUESTION);
        assertThat(tokenizer.decode(encoded.outputs().get(1))).isEqualTo("Milan<|im_end|>\n");
        assertThat(ranked.prompt()).isEqualTo("And of Italy?");
    }

    @Test
    void ppoGeneratesAfterAllTheTurnsAndAPlainPromptIsOneUserTurn() {
        List<long[]> prompts = PpoTrainer.encodePrompts(
                tokenizer,
                chatMl,
                List.of(QUESTION, PpoTrainer.singleTurn(List.of("Hi")).get(0)),
                256);

        assertThat(tokenizer.decode(prompts.get(0))).isEqualTo(RENDERED_QUESTION);
        assertThat(tokenizer.decode(prompts.get(1)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }
}
