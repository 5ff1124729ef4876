package org.instructforge.training.evaluation;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.instructforge.training.corpus.ChatTemplate;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.SamplingSettings;

/**
 * Answers generated tasks with a model (greedy, in the {@link ChatTemplate}) and scores each answer with the task's own
 * judge: per-family accuracy (share of answers scoring 1) and mean score. Used on the base model after pretraining
 * and on any later checkpoint, so SFT and RLHF gains are measured the same way.
 */
public final class TaskEvaluation {

    /** One answered task. */
    public record Answer(Task task, String response, double score) {}

    /**
     * @param tasks answered tasks
     * @param accuracy share scoring exactly 1
     * @param meanScore mean of the judges' scores
     */
    public record Summary(int tasks, double accuracy, double meanScore) {}

    /** Results overall and per family (families in order of first appearance). */
    public record Report(Summary overall, Map<String, Summary> byFamily, List<Answer> answers) {}

    private TaskEvaluation() {}

    /**
     * {@code count} tasks, the families taking turns so each gets the same share, from an RNG seeded apart from the
     * training corpus's seed (the corpus uses {@code seed}; pass another one).
     */
    public static List<Task> heldOutTasks(List<TaskFamily> families, int count, long seed) {
        Random rng = new Random(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tasks.add(families.get(i % families.size()).sample(rng));
        }
        return tasks;
    }

    public static Report run(
            CausalLm gpt,
            GptTokenizer tokenizer,
            List<Task> tasks,
            NDManager manager,
            int batchSize,
            int maxNewTokens) {
        List<Answer> answers = new ArrayList<>();
        Generator generator = new Generator(gpt);
        for (int from = 0; from < tasks.size(); from += batchSize) {
            List<Task> batch = tasks.subList(from, Math.min(tasks.size(), from + batchSize));
            List<long[]> prompts = new ArrayList<>();
            int longest = 0;
            for (Task t : batch) {
                long[] ids = tokenizer.encode(ChatTemplate.prompt(t.prompt()));
                prompts.add(ids);
                longest = Math.max(longest, ids.length);
            }
            int newTokens = Math.min(maxNewTokens, gpt.config().blockSize() - longest);
            if (newTokens < 1) {
                throw new IllegalArgumentException("A prompt of " + longest + " tokens leaves no room to answer in "
                        + "the model's context of " + gpt.config().blockSize());
            }
            Generation g = generator.generate(manager, prompts, SamplingSettings.greedy(newTokens), new Random(0));
            for (int i = 0; i < batch.size(); i++) {
                String response = ChatTemplate.answerOf(tokenizer.decode(g.response(i)));
                answers.add(new Answer(batch.get(i), response, batch.get(i).score(response)));
            }
        }
        return report(answers);
    }

    static Report report(List<Answer> answers) {
        Map<String, List<Answer>> byFamily = new LinkedHashMap<>();
        for (Answer a : answers) {
            byFamily.computeIfAbsent(a.task().family(), f -> new ArrayList<>()).add(a);
        }
        Map<String, Summary> summaries = new LinkedHashMap<>();
        byFamily.forEach((family, list) -> summaries.put(family, summary(list)));
        return new Report(summary(answers), summaries, List.copyOf(answers));
    }

    private static Summary summary(List<Answer> answers) {
        int n = answers.size();
        long right = answers.stream().filter(a -> a.score() == 1.0).count();
        double mean = answers.stream().mapToDouble(Answer::score).average().orElse(0);
        return new Summary(n, n == 0 ? 0 : right / (double) n, mean);
    }
}
