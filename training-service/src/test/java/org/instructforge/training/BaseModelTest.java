package org.instructforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import org.junit.jupiter.api.Test;

/** The committed default model: small enough to ship, loads offline, answers in the chat format. */
class BaseModelTest {

    private static final long MAX_BYTES = 25L * 1024 * 1024;

    @Test
    void isUnderTwentyFiveMegabytesWithItsTokenizerAndModelCard() throws IOException {
        Path dir = BaseModel.dir();
        long total;
        try (Stream<Path> files = Files.walk(dir)) {
            total = files.filter(Files::isRegularFile)
                    .mapToLong(BaseModelTest::size)
                    .sum();
        }
        assertThat(total).isLessThan(MAX_BYTES);
        for (String file :
                List.of("config.json", "model.safetensors", "tokenizer.json", "README.md", "training_args.json")) {
            assertThat(dir.resolve(file)).exists();
        }
    }

    @Test
    void loadsAndAnswersAnEasyPromptWithANonEmptyAnswer() throws IOException {
        Path dir = BaseModel.dir();
        try (NDManager manager = NDManager.newBaseManager();
                GptTokenizer tokenizer = GptTokenizer.load(dir)) {
            CausalLm gpt = HfCheckpoint.load(dir, manager, false);
            long[] prompt = tokenizer.encode(ChatTemplate.prompt("What is the capital of France?"));
            assertThat(prompt[0]).isEqualTo(gpt.config().eosTokenId());
            Generation g =
                    new Generator(gpt).generate(manager, List.of(prompt), SamplingSettings.greedy(16), new Random(0));
            String text = tokenizer.decode(g.response(0));
            assertThat(text).endsWith(ChatTemplate.END_OF_TEXT);
            assertThat(ChatTemplate.answerOf(text)).isNotBlank();
        }
    }

    @Test
    void getsSomeHeldOutTasksRightButNotAll() throws IOException {
        Path dir = BaseModel.dir();
        try (NDManager manager = NDManager.newBaseManager();
                GptTokenizer tokenizer = GptTokenizer.load(dir)) {
            CausalLm gpt = HfCheckpoint.load(dir, manager, false);
            TaskEvaluation.Report report = TaskEvaluation.run(
                    gpt, tokenizer, TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 40, 99), manager, 20, 32);
            assertThat(report.overall().accuracy()).as(report.toString()).isBetween(0.2, 0.98);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
