package org.instructforge.training.toolbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The loss masks: position t counts when token t + 1 is learned, whether a response or any assistant turn. */
class SequencesTest {

    @Test
    void aPromptAndResponsePairLearnsTheResponseOnly() {
        Sequences.Batch b = Sequences.of(List.of(new long[] {1, 2, 3}), List.of(new long[] {4, 5}), 0);

        assertThat(b.tokens()[0]).containsExactly(1, 2, 3, 4, 5);
        assertThat(b.responseMask()[0]).containsExactly(0f, 0f, 1f, 1f);
    }

    @Test
    void aConversationLearnsEveryAssistantTurnAndNothingElse() {
        boolean[] context = {false, false, true, true, false, false}; // system+user, assistant, user
        Sequences.Row row =
                Sequences.fitConversation(new long[] {1, 2, 3, 4, 5, 6}, context, new long[] {7, 8}, 99, 99);
        Sequences.Batch b =
                Sequences.ofRows(List.of(row, new Sequences.Row(new long[] {9, 10}, new boolean[] {false, true})), 0);

        assertThat(b.tokens()[0]).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(b.responseMask()[0]).containsExactly(0f, 1f, 1f, 0f, 0f, 1f, 1f);
        assertThat(b.tokens()[1]).containsExactly(9, 10, 0, 0, 0, 0, 0, 0);
        assertThat(b.responseMask()[1]).containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 0f);
        assertThat(b.lastIndex()).containsExactly(7, 1);
    }

    @Test
    void aLongConversationKeepsTheEndOfItsContextAndTheStartOfItsAnswer() {
        boolean[] context = {false, true, true, false};
        Sequences.Row row = Sequences.fitConversation(new long[] {1, 2, 3, 4}, context, new long[] {5, 6, 7}, 3, 2);

        assertThat(row.tokens()).containsExactly(2, 3, 4, 5, 6);
        assertThat(row.trained()).containsExactly(true, true, false, true, true);
    }
}
