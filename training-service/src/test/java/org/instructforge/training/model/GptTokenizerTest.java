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
}
