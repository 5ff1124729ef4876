package org.instructforge.training.corpus;

/**
 * The one chat format of every stage: pretraining transcripts, SFT demonstrations, sampling prompts.
 *
 * <pre>
 * &lt;|endoftext|&gt;User: {prompt}
 * Assistant: {answer}&lt;|endoftext|&gt;
 * </pre>
 *
 * <p>The leading {@code <|endoftext|>} is GPT-2's document separator used as a start token, so a prompt looks the
 * same whether it opens a context or follows another transcript. The prompt ends at {@code "Assistant:"} and the
 * response starts with the space: GPT-2's byte-level pre-tokenizer attaches a space to the word after it, so
 * {@code " Paris"} is tokenized as it is inside running text (a prompt ending in a space would not be). The
 * closing {@code <|endoftext|>} is what the model learns to stop on.
 */
public final class ChatTemplate {

    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final String USER = "User: ";
    private static final String ASSISTANT = "\nAssistant:";

    private ChatTemplate() {}

    /** What the model is given to continue: {@code <|endoftext|>User: {prompt}\nAssistant:}. */
    public static String prompt(String userPrompt) {
        return END_OF_TEXT + USER + userPrompt.strip() + ASSISTANT;
    }

    /** The response as the model should write it: a space, the answer, {@code <|endoftext|>}. */
    public static String response(String answer) {
        return " " + answer.strip() + END_OF_TEXT;
    }

    /** A whole training example: {@code prompt(userPrompt) + response(answer)}. */
    public static String transcript(String userPrompt, String answer) {
        return prompt(userPrompt) + response(answer);
    }

    /**
     * The answer inside generated text: everything before the first {@code <|endoftext|>} (or a new turn the model
     * started on its own), without the leading space.
     */
    public static String answerOf(String generated) {
        String s = generated;
        int end = s.indexOf(END_OF_TEXT);
        if (end >= 0) {
            s = s.substring(0, end);
        }
        int turn = s.indexOf("\nUser:");
        if (turn >= 0) {
            s = s.substring(0, turn);
        }
        return s.strip();
    }
}
