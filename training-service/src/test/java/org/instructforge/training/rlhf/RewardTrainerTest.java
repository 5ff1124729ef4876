package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.RunControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardTrainerTest {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    private static final List<String> FILLER = List.of("blue", "tree", "river", "seven", "cloud", "stone");

    @TempDir
    Path tmp;

    /** Toy preference: the more times an answer says "yes", the better; K = 4 answers in shuffled order. */
    private static List<RewardTrainer.RankedExample> yesRankings(int count, long seed) {
        Random rng = new Random(seed);
        List<RewardTrainer.RankedExample> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            List<Integer> yeses = new ArrayList<>(List.of(0, 1, 2, 3));
            Collections.shuffle(yeses, rng);
            List<String> outputs = new ArrayList<>();
            List<Integer> ranks = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                List<String> words = new ArrayList<>();
                for (int y = 0; y < yeses.get(i); y++) {
                    words.add("yes");
                }
                words.add(FILLER.get(rng.nextInt(FILLER.size())));
                Collections.shuffle(words, rng);
                outputs.add(String.join(" ", words));
                ids.add((long) i);
                ranks.add(4 - yeses.get(i)); // 3 yeses: rank 1
            }
            out.add(new RewardTrainer.RankedExample("Answer " + e, outputs, RankedCandidates.of(ids, ranks)));
        }
        return out;
    }

    private static RewardTrainer.Settings settings(int epochs, int checkpointEvery) {
        return new RewardTrainer.Settings(5, epochs, 4, 3e-3f, 0.1f, 0f, 1f, 32, 16, 5, checkpointEvery);
    }

    @Test
    void learnsARankingAndScoresDemonstrationsZeroOnAverage() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 1, false); // a language model: the head starts random
        List<SftTrainer.Example> demos = List.of(
                new SftTrainer.Example("Answer 1", "yes yes stone"), new SftTrainer.Example("Answer 2", "cloud yes"));
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("m.jsonl"));
        try (NDManager m = NDManager.newBaseManager();
                GptTokenizer tokenizer = GptTokenizer.load(init)) {
            RewardTrainer.Result r = new RewardTrainer(settings(6, 100), metrics, QUIET)
                    .train(
                            init,
                            yesRankings(48, 1),
                            yesRankings(16, 2),
                            demos,
                            tmp.resolve("out"),
                            m,
                            RunControl.NEVER);
            assertThat(r.validation().pairs()).isEqualTo(16 * 6);
            assertThat(r.validation().accuracy()).isGreaterThan(0.9);
            double[] losses = metrics.series("reward", "loss")[1];
            assertThat(losses[losses.length - 1]).isLessThan(losses[0] / 2);

            RewardScorer scorer = new RewardScorer(HfCheckpoint.load(r.model(), m, true), 8);
            List<long[]> prompts = new ArrayList<>();
            List<long[]> responses = new ArrayList<>();
            for (SftTrainer.Example d : demos) {
                prompts.add(tokenizer.encode(ChatTemplate.prompt(d.prompt())));
                responses.add(tokenizer.encode(ChatTemplate.response(d.response())));
            }
            assertThat(RlMath.mean(scorer.score(m, prompts, responses))).isCloseTo(0, within(1e-4));
            assertThat(r.demonstrationMean()).isNotCloseTo(0, within(1e-4));
        }
    }

    @Test
    void resumesExactlyAfterAKill() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 2, true);
        List<RewardTrainer.RankedExample> train = yesRankings(24, 3);
        List<RewardTrainer.RankedExample> validation = yesRankings(4, 4);
        JsonlMetrics whole = new JsonlMetrics(tmp.resolve("whole.jsonl"));
        JsonlMetrics killed = new JsonlMetrics(tmp.resolve("killed.jsonl"));
        RewardTrainer.Settings s = settings(2, 4); // 12 steps, checkpoints every 4
        try (NDManager m = NDManager.newBaseManager()) {
            new RewardTrainer(s, whole, QUIET)
                    .train(init, train, validation, List.of(), tmp.resolve("a"), m, RunControl.NEVER);
            assertThat(new RewardTrainer(s, killed, QUIET)
                            .train(init, train, validation, List.of(), tmp.resolve("b"), m, RunControl.stopBefore(10))
                            .stopped())
                    .isTrue();
            new RewardTrainer(s, killed, QUIET)
                    .train(init, train, validation, List.of(), tmp.resolve("b"), m, RunControl.NEVER);
        }
        assertThat(killed.series("reward", "loss")[1]).hasSize(12);
        assertThat(killed.series("reward", "loss")).isDeepEqualTo(whole.series("reward", "loss"));
    }

    @Test
    void dropsTiesAndSkipsRankingsWithoutStrictPairs() throws IOException {
        Path init = TinyModels.random(tmp.resolve("init"), 3, true);
        List<Long> ids = List.of(0L, 1L, 2L, 3L);
        List<String> outputs = List.of("yes yes", "yes", "yes", "no");
        List<RewardTrainer.RankedExample> train = List.of(
                new RewardTrainer.RankedExample("a", outputs, RankedCandidates.of(ids, List.of(1, 2, 2, 4))),
                new RewardTrainer.RankedExample("b", outputs, RankedCandidates.of(ids, List.of(1, 1, 1, 1))),
                new RewardTrainer.RankedExample("c", outputs, RankedCandidates.notRankable(ids)));
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("m.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            RewardTrainer.Result r = new RewardTrainer(settings(1, 10), metrics, QUIET)
                    .train(init, train, train, List.of(), tmp.resolve("out"), m, RunControl.NEVER);
            assertThat(r.steps()).isEqualTo(1); // only "a" has strict pairs
            assertThat(metrics.series("reward", "pairs")[1]).containsExactly(5.0);
            assertThat(r.validation().pairs()).isEqualTo(5);
        }
    }
}
