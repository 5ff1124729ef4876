package org.instructforge.training.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.instructforge.training.corpus.InstructionCorpus;
import org.instructforge.training.model.GptTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BpeTrainerTest {

    private static final BpeTrainer.Settings SMALL = new BpeTrainer.Settings(400, 2, true);

    @TempDir
    Path tmp;

    @Test
    void mergesTheMostFrequentPairFirst() {
        // Pieces: "hug", " hug" x2, " pug", " pun", " bun". "u g" occurs 4 times, "h u" 3, "u n" 2.
        BpeVocabulary vocab = BpeTrainer.train(List.of("hug hug hug pug pun bun"), SMALL);
        assertThat(vocab.merges().get(0)).containsExactly("u", "g");
        assertThat(vocab.tokens()).contains("ug", "hug");
    }

    @Test
    void stopsWhenNoPairRepeatsAndEndsWithEndOfText() {
        BpeVocabulary vocab = BpeTrainer.train(List.of("abc abc"), SMALL);
        assertThat(vocab.size()).isLessThan(400);
        assertThat(vocab.tokens().get(vocab.size() - 1)).isEqualTo("<|endoftext|>");
        assertThat(vocab.endOfTextId()).isEqualTo(vocab.size() - 1);
        assertThat(vocab.tokens().subList(0, 256)).isEqualTo(ByteLevel.baseAlphabet());
    }

    @Test
    void neverMergesDigits() {
        BpeVocabulary vocab = BpeTrainer.train(List.of("12 12 12 12 x12 a1 a1 a1"), SMALL);
        assertThat(vocab.merges()).noneMatch(m -> (m[0] + m[1]).chars().anyMatch(Character::isDigit));
    }

    @Test
    void theSameCorpusGivesTheSameMerges() {
        List<String> texts = corpus(500);
        BpeVocabulary a = BpeTrainer.train(texts, SMALL);
        BpeVocabulary b = BpeTrainer.train(texts, SMALL);
        assertThat(a.tokens()).isEqualTo(b.tokens());
    }

    @Test
    void savedTokenizerLoadsInDjlAndRoundTripsAnyText() throws Exception {
        BpeVocabulary vocab = BpeTrainer.train(corpus(2000), SMALL);
        vocab.save(tmp);
        String[] texts = {
            "<|endoftext|>User: What is 17 + 25?\nAssistant: 42<|endoftext|>",
            " leading space, trailing  ",
            "naïve café — “quotes” 你好 🙂",
            "line one\nline two\ttab",
            "Reverse the word \"umbrella\"."
        };
        try (GptTokenizer tokenizer = GptTokenizer.load(tmp)) {
            for (String text : texts) {
                long[] ids = tokenizer.encode(text);
                assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < vocab.size()))
                        .isTrue();
                assertThat(tokenizer.decode(ids)).isEqualTo(text);
            }
            assertThat(tokenizer.encode("<|endoftext|>")).containsExactly(vocab.endOfTextId());
            // Frequent corpus words became single tokens; every digit stayed its own.
            assertThat(tokenizer.encode("User")).hasSize(1);
            assertThat(tokenizer.encode(" 1234")).hasSize(5);
        }
    }

    @Test
    void writesTheFilesTransformersExpects() throws Exception {
        BpeVocabulary vocab = BpeTrainer.train(corpus(300), SMALL);
        vocab.save(tmp);
        JsonMapper json = JsonMapper.builder().build();
        JsonNode tokenizer = json.readTree(tmp.resolve("tokenizer.json").toFile());
        assertThat(tokenizer.at("/model/type").asString()).isEqualTo("BPE");
        assertThat(tokenizer.at("/pre_tokenizer/type").asString()).isEqualTo("ByteLevel");
        assertThat(tokenizer.at("/decoder/type").asString()).isEqualTo("ByteLevel");
        assertThat(tokenizer.at("/model/vocab").size()).isEqualTo(vocab.size());
        assertThat(tokenizer.at("/model/merges").size())
                .isEqualTo(vocab.merges().size());
        assertThat(json.readTree(tmp.resolve("vocab.json").toFile())
                        .get("<|endoftext|>")
                        .asInt())
                .isEqualTo(vocab.endOfTextId());
        assertThat(java.nio.file.Files.readAllLines(tmp.resolve("merges.txt")))
                .hasSize(vocab.merges().size() + 1)
                .first()
                .isEqualTo("#version: 0.2");
        assertThat(tmp.resolve("tokenizer_config.json")).exists();
        assertThat(tmp.resolve("special_tokens_map.json")).exists();
    }

    private static List<String> corpus(int n) {
        return InstructionCorpus.defaults(3).next(n).stream()
                .map(InstructionCorpus.Example::transcript)
                .toList();
    }
}
