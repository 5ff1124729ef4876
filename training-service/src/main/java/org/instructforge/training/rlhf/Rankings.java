package org.instructforge.training.rlhf;

import java.util.ArrayList;
import java.util.List;
import org.instructforge.shared.ranking.ComparisonPairs;
import org.instructforge.shared.ranking.PreferencePair;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.toolbox.Sequences;

/**
 * Labelers' K-way rankings as model rows, the one pair construction the reward model and DPO share: every output of a
 * prompt is a row, the ranking's strict pairs (all C(K,2) but the ties) are (winner row, loser row), and each pair
 * weighs {@code 1 / (pairs of its prompt * prompts in the batch)}. So every prompt counts the same whatever its K and
 * however many ties it has: InstructGPT keeps a prompt's comparisons together as one batch element, since shuffled as
 * independent pairs they are correlated and each output would be seen K - 1 times per epoch.
 */
final class Rankings {

    private Rankings() {}

    /** A ranked prompt as token ids: the prompt once, each output, and the strict pairs of the ranking. */
    record Encoded(long[] prompt, List<long[]> outputs, List<PreferencePair> pairs) {}

    /** Encodes the rankings that hold a strict pair; not-rankable and all-tied ones have nothing to teach. */
    static List<Encoded> encode(
            GptTokenizer tokenizer,
            ChatFormat format,
            List<RewardTrainer.RankedExample> examples,
            int maxPromptTokens,
            int maxResponseTokens) {
        List<Encoded> out = new ArrayList<>();
        for (RewardTrainer.RankedExample e : examples) {
            List<PreferencePair> pairs = ComparisonPairs.of(e.ranking());
            if (pairs.isEmpty()) {
                continue; // not rankable, or all tied: nothing to learn from
            }
            List<ChatMessage> question = e.question();
            long[] prompt = tokenizer.encode(format.prompt(question));
            List<long[]> outputs = new ArrayList<>();
            long[] fittedPrompt = null;
            for (String o : e.outputs()) {
                long[][] pr = Sequences.fit(
                        prompt, tokenizer.encode(format.response(question, o)), maxPromptTokens, maxResponseTokens);
                fittedPrompt = pr[0];
                outputs.add(pr[1]);
            }
            out.add(new Encoded(fittedPrompt, outputs, pairs));
        }
        return out;
    }

    /** All outputs of a batch of prompts as rows, with the pairs as row indices and their loss weights. */
    record Rows(Sequences.Batch batch, long[] winners, long[] losers, float[] weights) {
        static Rows of(List<Encoded> prompts, long eos) {
            List<long[]> promptRows = new ArrayList<>();
            List<long[]> outputRows = new ArrayList<>();
            List<long[]> winners = new ArrayList<>();
            List<Float> weights = new ArrayList<>();
            for (Encoded e : prompts) {
                int offset = outputRows.size();
                for (long[] o : e.outputs()) {
                    promptRows.add(e.prompt());
                    outputRows.add(o);
                }
                for (PreferencePair p : e.pairs()) {
                    winners.add(new long[] {offset + p.chosen(), offset + p.rejected()});
                    weights.add(1f / (e.pairs().size() * prompts.size()));
                }
            }
            long[] w = new long[winners.size()];
            long[] l = new long[winners.size()];
            float[] weight = new float[winners.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = winners.get(i)[0];
                l[i] = winners.get(i)[1];
                weight[i] = weights.get(i);
            }
            return new Rows(Sequences.of(promptRows, outputRows, eos), w, l, weight);
        }
    }
}
