package org.instructforge.training.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a byte-level BPE vocabulary (Sennrich et al. 2016; GPT-2's byte-level variant) on a corpus, deterministically.
 *
 * <p>Text is cut at {@code <|endoftext|>} and split into pieces with GPT-2's regex ({@link ByteLevel}); starting from
 * the 256 byte tokens, the most frequent adjacent pair inside the pieces is merged into a new token, again and again,
 * until the vocabulary is full or no pair occurs twice. Ties go to the pair whose tokens were created first, so the
 * same corpus always gives the same merges. Digits are never merged (as LLaMA's tokenizer does): every digit stays
 * its own token, which makes arithmetic far easier for a small model than GPT-2's arbitrary number chunks.
 */
public final class BpeTrainer {

    /**
     * @param vocabSize final vocabulary size: 256 bytes + merges + {@code <|endoftext|>}
     * @param minPairFrequency stop merging when the best pair occurs fewer times than this
     * @param splitDigits never merge a token that contains a digit
     */
    public record Settings(int vocabSize, int minPairFrequency, boolean splitDigits) {
        public Settings {
            if (vocabSize < 257) {
                throw new IllegalArgumentException("vocabSize must be at least 257 (256 bytes + <|endoftext|>)");
            }
        }

        /** 2,048 tokens: small enough that the embedding of a ~10 MB model stays a minor part of it. */
        public static Settings defaults() {
            return new Settings(2048, 2, true);
        }
    }

    private BpeTrainer() {}

    public static BpeVocabulary train(Iterable<String> texts, Settings settings) {
        // 1. Count the distinct pre-tokenized pieces, spelled in byte-level characters.
        Map<String, Long> pieceCounts = new LinkedHashMap<>();
        for (String text : texts) {
            for (String segment : text.split(java.util.regex.Pattern.quote(BpeVocabulary.END_OF_TEXT), -1)) {
                for (String piece : ByteLevel.split(segment)) {
                    pieceCounts.merge(ByteLevel.encode(piece), 1L, Long::sum);
                }
            }
        }
        List<String> tokens = new ArrayList<>(ByteLevel.baseAlphabet());
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        int n = pieceCounts.size();
        int[][] words = new int[n][];
        long[] freq = new long[n];
        int w = 0;
        for (Map.Entry<String, Long> e : pieceCounts.entrySet()) {
            String piece = e.getKey();
            words[w] = piece.chars().map(c -> ids.get(String.valueOf((char) c))).toArray();
            freq[w++] = e.getValue();
        }
        boolean[] hasDigit = new boolean[settings.vocabSize()];
        for (int i = 0; i < tokens.size(); i++) {
            hasDigit[i] = tokens.get(i).chars().anyMatch(Character::isDigit);
        }

        // 2. Merge the most frequent pair until the vocabulary (minus <|endoftext|>) is full.
        List<String[]> merges = new ArrayList<>();
        while (tokens.size() < settings.vocabSize() - 1) {
            Map<Long, Long> pairCounts = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int[] s = words[i];
                for (int j = 0; j + 1 < s.length; j++) {
                    if (settings.splitDigits() && (hasDigit[s[j]] || hasDigit[s[j + 1]])) {
                        continue;
                    }
                    pairCounts.merge(pairKey(s[j], s[j + 1]), freq[i], Long::sum);
                }
            }
            long bestKey = -1;
            long bestCount = 0;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long count = e.getValue();
                if (count > bestCount || (count == bestCount && e.getKey() < bestKey)) {
                    bestKey = e.getKey();
                    bestCount = count;
                }
            }
            if (bestKey < 0 || bestCount < settings.minPairFrequency()) {
                break;
            }
            int a = (int) (bestKey >>> 32);
            int b = (int) bestKey;
            int merged = tokens.size();
            tokens.add(tokens.get(a) + tokens.get(b));
            merges.add(new String[] {tokens.get(a), tokens.get(b)});
            for (int i = 0; i < n; i++) {
                words[i] = applyMerge(words[i], a, b, merged);
            }
        }
        tokens.add(BpeVocabulary.END_OF_TEXT);
        return new BpeVocabulary(tokens, merges);
    }

    /** Pairs compare by (left id, right id): among equally frequent pairs the one made of older tokens wins. */
    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static int[] applyMerge(int[] s, int a, int b, int merged) {
        int hits = 0;
        for (int j = 0; j + 1 < s.length; j++) {
            if (s[j] == a && s[j + 1] == b) {
                hits++;
                j++;
            }
        }
        if (hits == 0) {
            return s;
        }
        int[] out = new int[s.length - hits];
        int k = 0;
        for (int j = 0; j < s.length; j++) {
            if (j + 1 < s.length && s[j] == a && s[j + 1] == b) {
                out[k++] = merged;
                j++;
            } else {
                out[k++] = s[j];
            }
        }
        return out;
    }
}
