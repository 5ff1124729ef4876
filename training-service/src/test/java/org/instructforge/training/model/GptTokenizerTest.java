package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GptTokenizerTest {

    @Test
    void encodesHelloWorldAsGpt2Does() throws Exception {
        try (GptTokenizer tokenizer = GptTokenizer.load(ModelFixtures.hfGpt2Tiny())) {
            assertThat(tokenizer.encode("Hello world")).containsExactly(15496, 995);
        }
    }

    @Test
    void decodeInvertsEncodeForAnyText() throws Exception {
        String[] texts = {
            "Hello world",
            " leading space, trailing  ",
            "naïve café — “quotes” 你好 🙂",
            "line one\nline two\ttab",
            "<|endoftext|>",
            "12345 + 678 = 13023"
        };
        try (GptTokenizer tokenizer = GptTokenizer.load(ModelFixtures.hfGpt2Tiny())) {
            for (String text : texts) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
            }
            assertThat(tokenizer.encode("<|endoftext|>")).containsExactly(50256);
        }
    }

    @Test
    void neverTruncatesLongInputs() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(200); // about 2,000 tokens
        try (GptTokenizer tokenizer = GptTokenizer.load(ModelFixtures.hfGpt2Tiny())) {
            long[] ids = tokenizer.encode(text);
            assertThat(ids.length).isGreaterThan(1500);
            assertThat(tokenizer.decode(ids)).isEqualTo(text);
        }
    }

    /** Llama 2 / Mistral v0.1 layout: "\u2581" word prefix, byte fallback, and a post-processor that would add <s>. */
    @Test
    void loadsASentencePieceStyleTokenizerWithByteFallback() throws Exception {
        try (GptTokenizer tokenizer = GptTokenizer.load(ModelFixtures.resource("llama-family/sentencepiece-bpe"))) {
            // No <s>: prompts carry their special tokens themselves (a chat template renders bos_token).
            assertThat(tokenizer.encode("hello world")).containsExactly(271, 276);
            // "\u00e9" is outside the vocabulary: its UTF-8 bytes C3 A9 become <0xC3> <0xA9> (ids 3 + byte).
            assertThat(tokenizer.encode("h\u00e9")).containsExactly(267, 3 + 0xC3, 3 + 0xA9);
            for (String text : new String[] {"hello world", "world  hello", "h\u00e9llo w\u00f6rld \ud83d\ude42"}) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
            }
        }
    }
}
