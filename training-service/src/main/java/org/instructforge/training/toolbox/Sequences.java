package org.instructforge.training.toolbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.LogProbs;

/**
 * Prompt + response token batches as the trainers feed them to the model: right-padded rows, an attention mask, and
 * a mask of the positions whose next token is a response token (the only ones SFT and the policy loss count).
 */
public final class Sequences {

    /**
     * @param tokens (B, T) prompt then response, padded on the right
     * @param attention (B, T) 1 for real tokens
     * @param responseMask (B, T - 1) 1 where position t predicts a response token (target t + 1)
     * @param lastIndex each row's last real token (a reward model reads its score there)
     */
    public record Batch(long[][] tokens, long[][] attention, float[][] responseMask, int[] lastIndex) {}

    private Sequences() {}

    /**
     * One training sequence: its tokens and, per token, whether it is learned (a response token, or any assistant
     * turn of a rendered conversation).
     */
    public record Row(long[] tokens, boolean[] trained) {}

    /** Pads prompt + response rows on the right with {@code pad}; the rows must already fit the context. */
    public static Batch of(List<long[]> prompts, List<long[]> responses, long pad) {
        List<Row> rows = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            long[] p = prompts.get(i);
            long[] r = responses.get(i);
            long[] tokens = Arrays.copyOf(p, p.length + r.length);
            System.arraycopy(r, 0, tokens, p.length, r.length);
            boolean[] trained = new boolean[tokens.length];
            Arrays.fill(trained, p.length, tokens.length, true);
            rows.add(new Row(tokens, trained));
        }
        return ofRows(rows, pad);
    }

    /** Pads rows on the right with {@code pad}; the rows must already fit the context. */
    public static Batch ofRows(List<Row> rows, long pad) {
        int b = rows.size();
        int longest = 0;
        for (Row row : rows) {
            longest = Math.max(longest, row.tokens().length);
        }
        long[][] tokens = new long[b][longest];
        long[][] attention = new long[b][longest];
        float[][] responseMask = new float[b][longest - 1];
        int[] last = new int[b];
        for (int i = 0; i < b; i++) {
            Row row = rows.get(i);
            int length = row.tokens().length;
            Arrays.fill(tokens[i], pad);
            System.arraycopy(row.tokens(), 0, tokens[i], 0, length);
            Arrays.fill(attention[i], 0, length, 1L);
            // position t predicts token t + 1: the mask at t says whether token t + 1 is learned
            for (int t = 1; t < length; t++) {
                responseMask[i][t - 1] = row.trained()[t] ? 1f : 0f;
            }
            last[i] = length - 1;
        }
        return new Batch(tokens, attention, responseMask, last);
    }

    /**
     * Cuts a conversation to the context: {@code context} is everything before the final answer (its earlier
     * assistant turns trained), {@code answer} the final answer. As {@link #fit}: the answer keeps its start, the
     * context its end.
     */
    public static Row fitConversation(
            long[] context, boolean[] contextTrained, long[] answer, int maxPrompt, int maxResponse) {
        int from = Math.max(0, context.length - maxPrompt);
        int answerLength = Math.min(answer.length, maxResponse);
        int length = context.length - from + answerLength;
        long[] tokens = new long[length];
        boolean[] trained = new boolean[length];
        System.arraycopy(context, from, tokens, 0, context.length - from);
        System.arraycopy(contextTrained, from, trained, 0, context.length - from);
        System.arraycopy(answer, 0, tokens, context.length - from, answerLength);
        Arrays.fill(trained, context.length - from, length, true);
        return new Row(tokens, trained);
    }

    /** Cuts a prompt + response pair to the context: the response first (keeping its start), then the prompt's start. */
    public static long[][] fit(long[] prompt, long[] response, int maxPrompt, int maxResponse) {
        long[] p = prompt.length > maxPrompt
                ? Arrays.copyOfRange(prompt, prompt.length - maxPrompt, prompt.length)
                : prompt;
        long[] r = response.length > maxResponse ? Arrays.copyOf(response, maxResponse) : response;
        return new long[][] {p, r};
    }

    /**
     * log p(token_{t+1} | tokens_{<=t}) for every position: (B, T - 1). The one forward pass SFT, PPO and the reference
     * model share, so a token is scored the same way in every stage.
     */
    public static NDArray nextTokenLogProbs(
            CausalLm gpt, ParameterStore ps, NDArray tokens, NDArray attention, boolean training) {
        CausalLm.Output out = gpt.forward(ps, tokens, attention, null, null, training);
        NDArray logits = gpt.logits(ps, out.hidden()).get(":, :-1, :"); // (B, T-1, V)
        return LogProbs.ofTokens(logits, tokens.get(":, 1:"), 1f); // (B, T-1)
    }

    /**
     * log p(response | prompt) of every row of {@link #arrays}: the next-token log-probs summed over the response
     * tokens only, (B). The sequence likelihood DPO compares; prompt and padding positions never count.
     */
    public static NDArray responseLogProbs(CausalLm gpt, ParameterStore ps, NDArray[] arrays, boolean training) {
        return nextTokenLogProbs(gpt, ps, arrays[0], arrays[1], training)
                .mul(arrays[2])
                .sum(new int[] {1}); // (B)
    }

    /**
     * The items of step {@code step}: each epoch visits all rows once in an order shuffled by (seed, epoch), so a run
     * resumed at any step sees exactly the batches the uninterrupted run would have.
     */
    public static <T> List<T> batchAt(List<T> rows, int step, int stepsPerEpoch, int batchSize, long seed) {
        int epoch = step / stepsPerEpoch;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 31 + epoch));
        int from = (step % stepsPerEpoch) * batchSize;
        List<T> batch = new ArrayList<>();
        for (int i = from; i < Math.min(rows.size(), from + batchSize); i++) {
            batch.add(rows.get(order.get(i)));
        }
        return batch;
    }

    /** Creates the batch's arrays in a step manager. */
    public static NDArray[] arrays(NDManager m, Batch b) {
        return new NDArray[] {m.create(b.tokens()), m.create(b.attention()), m.create(b.responseMask())};
    }
}
