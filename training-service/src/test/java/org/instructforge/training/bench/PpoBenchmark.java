package org.instructforge.training.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.rlhf.PpoTrainer;
import org.instructforge.training.rlhf.RewardScorer;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.RunControl;

/**
 * {@code ./forge bench ppo [ITERATIONS [ROLLOUT_BATCH [MAX_NEW_TOKENS]]]}: where a PPO iteration's time goes on the
 * default model (a main class, not a test: timings are never asserted). The policy and reference are
 * {@code models/base}; the reward model and value function are the base model with a fresh scalar head (the cost
 * does not depend on what the head learned). Prints seconds and tokens/s per phase, averaged after one warm-up
 * iteration.
 */
public final class PpoBenchmark {

    private PpoBenchmark() {}

    public static void main(String[] args) throws IOException {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int rollout = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Path base = Path.of(System.getProperty("instructforge.model", "models/base"));
        PrintStream out = System.out;
        Path tmp = Files.createTempDirectory("ppo-bench");
        PpoTrainer.Settings d = PpoTrainer.Settings.defaults();
        // Rows stop at their end-of-text as in training (the base model answers in a few tokens); a response cut off
        // keeps its reward-model score.
        PpoTrainer.Settings s = new PpoTrainer.Settings(
                1,
                iterations + 1,
                rollout,
                Math.min(16, rollout),
                1,
                1e-5f,
                1e-5f,
                1,
                0.2f,
                0.2f,
                1f,
                0.95f,
                0.02f,
                0f,
                10_000,
                0f,
                16,
                0f,
                d.maxPromptTokens(),
                newTokens,
                Float.NaN,
                0f,
                1f,
                1_000);
        List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), 512, 42);
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("metrics.jsonl"));
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick())) {
            RewardScorer rm = new RewardScorer(HfCheckpoint.load(base, manager, true, 0f), 64);
            out.printf(
                    "PPO iteration on %s: %d episodes, up to %d new tokens, 1 PPO epoch, minibatch %d%n",
                    base, rollout, newTokens, s.miniBatch());
            new PpoTrainer(s, metrics, new PrintStream(PrintStream.nullOutputStream()))
                    .train(
                            base,
                            base,
                            rm,
                            PpoTrainer.singleTurn(
                                    tasks.stream().map(Task::prompt).toList()),
                            List.of(),
                            tmp.resolve("out"),
                            manager,
                            RunControl.NEVER);
        }
        List<JsonlMetrics.Point> points = metrics.of("ppo");
        List<JsonlMetrics.Point> measured = points.subList(1, points.size()); // the first warms up the engine
        double total = 0;
        String[][] phases = {
            {"generate", "generate_seconds", "generate_tokens_per_second", "new tokens/s (KV cache)"},
            {"score", "score_seconds", "score_tokens_per_second", "tokens/s (reward model pass)"},
            {"reference", "reference_seconds", "reference_tokens_per_second", "tokens/s (reference + value passes)"},
            {"update", "update_seconds", "update_tokens_per_second", "tokens/s (policy + value fwd/bwd + AdamW)"}
        };
        for (String[] p : phases) {
            total += mean(measured, p[1]);
        }
        out.printf(Locale.ROOT, "%-10s %9s %7s %12s%n", "phase", "seconds", "share", "throughput");
        for (String[] p : phases) {
            double sec = mean(measured, p[1]);
            out.printf(
                    Locale.ROOT,
                    "%-10s %9.3f %6.1f%% %12.0f %s%n",
                    p[0],
                    sec,
                    100 * sec / total,
                    mean(measured, p[2]),
                    p[3]);
        }
        out.printf(
                Locale.ROOT,
                "%-10s %9.3f  (mean response length %.1f tokens, %d iterations measured)%n",
                "total",
                total,
                mean(measured, "response_length"),
                measured.size());
    }

    private static double mean(List<JsonlMetrics.Point> points, String metric) {
        return points.stream()
                .map(JsonlMetrics.Point::values)
                .map((Map<String, Double> v) -> v.getOrDefault(metric, Double.NaN))
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(Double.NaN);
    }
}
