package org.instructforge.training.model;

/**
 * A batch of generated responses.
 *
 * @param prompts (B, P) prompts, left-padded with the EOS id so every row's last prompt token is at P - 1
 * @param promptMask (B, P) 1 for real prompt tokens, 0 for padding
 * @param responses (B, N) generated ids; after a row's EOS, the EOS id as padding
 * @param logProbs (B, N) log-prob of each generated token under softmax(logits / temperature), temperature 1 when
 *     greedy, before top-k / top-p filtering; 0 for padding. A full forward pass over prompt + response gives the
 *     same values (see {@link LogProbs#ofTokens}).
 * @param responseLengths tokens generated per row, its EOS included
 */
public record Generation(
        long[][] prompts, long[][] promptMask, long[][] responses, float[][] logProbs, int[] responseLengths) {

    /** (B, N) 1 for generated tokens (EOS included), 0 for padding after it. */
    public long[][] responseMask() {
        long[][] mask = new long[responses.length][];
        for (int i = 0; i < responses.length; i++) {
            mask[i] = new long[responses[i].length];
            java.util.Arrays.fill(mask[i], 0, responseLengths[i], 1L);
        }
        return mask;
    }

    /** Row i's generated tokens without padding. */
    public long[] response(int i) {
        return java.util.Arrays.copyOf(responses[i], responseLengths[i]);
    }
}
