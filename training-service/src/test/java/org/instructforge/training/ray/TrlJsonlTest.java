package org.instructforge.training.ray;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported JSONL, byte for byte: what TRL's and OpenRLHF's loaders will read. */
class TrlJsonlTest {

    @Test
    void aRankingOfFourWithATieBecomesItsFiveStrictPairsBestFirst(@TempDir Path dir) throws Exception {
        // Candidates a..d ranked 1, 2, 2, 4 (b and c tied): ComparisonPairs gives a>b, a>c, a>d, b>d, c>d.
        var ranking = new RewardTrainer.RankedExample(
                "Name a \"fruit\".",
                List.of("apple", "pear", "fig", "rock"),
                RankedCandidates.of(List.of(10L, 11L, 12L, 13L), List.of(1, 2, 2, 4)));
        Path file = dir.resolve("pairs/train.jsonl");

        int lines = TrlJsonl.preferencePairs(List.of(ranking), file);

        assertThat(lines).isEqualTo(5);
        assertThat(Files.readString(file)).isEqualTo("""
                        {"prompt":"Name a \\"fruit\\".","chosen":"apple","rejected":"pear"}
                        {"prompt":"Name a \\"fruit\\".","chosen":"apple","rejected":"fig"}
                        {"prompt":"Name a \\"fruit\\".","chosen":"apple","rejected":"rock"}
                        {"prompt":"Name a \\"fruit\\".","chosen":"pear","rejected":"rock"}
                        {"prompt":"Name a \\"fruit\\".","chosen":"fig","rejected":"rock"}
                        """);
    }

    @Test
    void aRankingGivenInAnotherOrderPairsByRankNotByPosition(@TempDir Path dir) throws Exception {
        var ranking = new RewardTrainer.RankedExample(
                "p",
                List.of("worst", "best", "second", "third"),
                RankedCandidates.of(List.of(0L, 1L, 2L, 3L), List.of(4, 1, 2, 3)));
        Path file = dir.resolve("train.jsonl");

        TrlJsonl.preferencePairs(List.of(ranking), file);

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "{\"prompt\":\"p\",\"chosen\":\"best\",\"rejected\":\"second\"}",
                        "{\"prompt\":\"p\",\"chosen\":\"best\",\"rejected\":\"third\"}",
                        "{\"prompt\":\"p\",\"chosen\":\"best\",\"rejected\":\"worst\"}",
                        "{\"prompt\":\"p\",\"chosen\":\"second\",\"rejected\":\"third\"}",
                        "{\"prompt\":\"p\",\"chosen\":\"second\",\"rejected\":\"worst\"}",
                        "{\"prompt\":\"p\",\"chosen\":\"third\",\"rejected\":\"worst\"}");
    }

    @Test
    void aNotRankableRankingExportsNoPair(@TempDir Path dir) throws Exception {
        var ranking = new RewardTrainer.RankedExample(
                "p", List.of("a", "b", "c", "d"), RankedCandidates.notRankable(List.of(1L, 2L, 3L, 4L)));

        assertThat(TrlJsonl.preferencePairs(List.of(ranking), dir.resolve("t.jsonl")))
                .isZero();
        assertThat(Files.readString(dir.resolve("t.jsonl"))).isEmpty();
    }

    @Test
    void demonstrationsArePromptCompletionLinesAndPromptsArePromptOnly(@TempDir Path dir) throws Exception {
        TrlJsonl.demonstrations(
                List.of(new SftTrainer.Example("What is 2 + 3?", "5"), new SftTrainer.Example("Line\nbreak", "ok")),
                dir.resolve("sft.jsonl"));
        TrlJsonl.prompts(List.of("Say hi", "Ünïcode ✓"), dir.resolve("ppo.jsonl"));

        assertThat(Files.readString(dir.resolve("sft.jsonl")))
                .isEqualTo("{\"prompt\":\"What is 2 + 3?\",\"completion\":\"5\"}\n"
                        + "{\"prompt\":\"Line\\nbreak\",\"completion\":\"ok\"}\n");
        assertThat(Files.readString(dir.resolve("ppo.jsonl")))
                .isEqualTo("{\"prompt\":\"Say hi\"}\n{\"prompt\":\"Ünïcode ✓\"}\n");
    }
}
