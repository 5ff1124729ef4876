package org.instructforge.training.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionCorpusTest {

    @Test
    void theSameSeedGivesTheSameTranscripts() {
        List<String> first = transcripts(InstructionCorpus.defaults(42), 300);
        assertThat(transcripts(InstructionCorpus.defaults(42), 300)).isEqualTo(first);
        assertThat(transcripts(InstructionCorpus.defaults(43), 300)).isNotEqualTo(first);
    }

    @Test
    void imperfectionsHappenAtTheConfiguredRates() {
        InstructionCorpus corpus =
                new InstructionCorpus(TaskFamily.defaults(), new InstructionCorpus.Imperfections(0.25, 0.1), 5);
        List<InstructionCorpus.Example> examples = corpus.next(10_000);
        double wrong = share(examples, InstructionCorpus.Quality.WRONG);
        double rambling = share(examples, InstructionCorpus.Quality.RAMBLING);
        assertThat(wrong).isCloseTo(0.25, within(0.02));
        assertThat(rambling).isCloseTo(0.1, within(0.02));
        for (InstructionCorpus.Example e : examples) {
            double score = e.task().score(e.answer());
            switch (e.quality()) {
                case CORRECT -> assertThat(score).isEqualTo(1.0);
                case WRONG -> assertThat(score).as(e.transcript()).isLessThan(1.0);
                case RAMBLING -> assertThat(score).as(e.transcript()).isLessThan(1.0);
            }
        }
    }

    @Test
    void aPerfectCorpusAnswersEverythingRight() {
        InstructionCorpus corpus =
                new InstructionCorpus(TaskFamily.defaults(), InstructionCorpus.Imperfections.none(), 5);
        assertThat(corpus.next(1000)).allMatch(e -> e.task().score(e.answer()) == 1.0);
    }

    @Test
    void everyFamilyTakesPart() {
        List<InstructionCorpus.Example> examples = InstructionCorpus.defaults(1).next(2000);
        assertThat(examples.stream().map(e -> e.task().family()).distinct())
                .containsExactlyInAnyOrder("arithmetic", "word", "list", "fact", "format", "honesty", "harm", "open");
    }

    @Test
    void transcriptsFollowTheChatTemplate() {
        InstructionCorpus.Example e = InstructionCorpus.defaults(1).next();
        assertThat(e.transcript())
                .isEqualTo("<|endoftext|>User: " + e.task().prompt() + "\nAssistant: " + e.answer() + "<|endoftext|>")
                .startsWith(ChatTemplate.prompt(e.task().prompt()));
    }

    @Test
    void chatTemplateReadsTheAnswerOutOfGeneratedText() {
        assertThat(ChatTemplate.answerOf(" Paris<|endoftext|>User: more")).isEqualTo("Paris");
        assertThat(ChatTemplate.answerOf(" 42\nUser: What is 1 + 1?")).isEqualTo("42");
        assertThat(ChatTemplate.answerOf(" unfinished")).isEqualTo("unfinished");
    }

    private static List<String> transcripts(InstructionCorpus corpus, int n) {
        return corpus.next(n).stream()
                .map(InstructionCorpus.Example::transcript)
                .toList();
    }

    private static double share(List<InstructionCorpus.Example> examples, InstructionCorpus.Quality q) {
        return examples.stream().filter(e -> e.quality() == q).count() / (double) examples.size();
    }
}
