package org.instructforge.training.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.instructforge.training.corpus.InstructionCorpus;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.corpus.TaskFamily;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.LogProbs;
import org.instructforge.training.tokenizer.BpeTrainer;
import org.instructforge.training.tokenizer.BpeVocabulary;
import org.instructforge.training.toolbox.AdamW;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pretrains the base model from nothing: generates the instruction corpus, trains its BPE tokenizer, then trains a
 * small GPT-2 with the next-token loss over packed transcripts (nanoGPT's {@code train.py}, written out) and saves a
 * Hugging Face directory with a model card.
 *
 * <p>The loop: 1. sample a batch of windows, 2. forward + cross-entropy, 3. backward, 4. clip the global gradient
 * norm, 5. AdamW step with the scheduled learning rate, 6. zero the gradients (DJL's PyTorch collector does not).
 * Every step runs in its own NDManager so activations are freed when the step ends.
 */
public final class Pretrainer {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final PretrainSettings settings;
    private final PrintStream log;

    /**
     * What a run produced, as written to training_args.json.
     *
     * @param model the trained model; its arrays live in the manager given to {@link #run(Path, String, NDManager)}
     */
    public record Result(
            Gpt model,
            long parameters,
            int vocabSize,
            long trainTokens,
            float finalTrainLoss,
            float finalEvalLoss,
            double tokensPerSecond,
            double wallSeconds,
            TaskEvaluation.Report evaluation,
            long heldOutPromptsInCorpus) {}

    public Pretrainer(PretrainSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Runs everything and writes {@code outDir}: config.json, model.safetensors, the tokenizer files,
     * generation_config.json, training_args.json and README.md.
     *
     * @param command the command line that started the run, recorded for reproducibility
     * @param manager owns the model's weights (and the result's {@link Result#model()})
     */
    public Result run(Path outDir, String command, NDManager manager) throws IOException {
        long started = System.nanoTime();
        PretrainSettings s = settings;

        // Corpus: training and eval transcripts from separately seeded generators.
        InstructionCorpus corpus = new InstructionCorpus(
                TaskFamily.defaults(), new InstructionCorpus.Imperfections(s.wrongRate(), s.ramblingRate()), s.seed());
        List<InstructionCorpus.Example> train = corpus.next(s.trainExamples());
        List<InstructionCorpus.Example> eval = new InstructionCorpus(
                        TaskFamily.defaults(),
                        new InstructionCorpus.Imperfections(s.wrongRate(), s.ramblingRate()),
                        s.seed() + 1)
                .next(s.evalExamples());
        Map<InstructionCorpus.Quality, Integer> qualities = new EnumMap<>(InstructionCorpus.Quality.class);
        train.forEach(e -> qualities.merge(e.quality(), 1, Integer::sum));
        log.printf("corpus: %d training transcripts %s, %d eval%n", train.size(), qualities, eval.size());

        // Tokenizer: byte-level BPE trained on the training transcripts only.
        List<String> trainTexts =
                train.stream().map(InstructionCorpus.Example::transcript).toList();
        BpeVocabulary vocab = BpeTrainer.train(trainTexts, new BpeTrainer.Settings(s.vocabSize(), 2, true));
        Files.createDirectories(outDir);
        vocab.save(outDir);
        log.printf(
                "tokenizer: %d tokens (%d merges)%n",
                vocab.size(), vocab.merges().size());

        try (GptTokenizer tokenizer = GptTokenizer.load(outDir)) {
            int[] trainStream = pack(tokenizer, trainTexts);
            int[] evalStream = pack(
                    tokenizer,
                    eval.stream().map(InstructionCorpus.Example::transcript).toList());
            if (trainStream.length <= s.blockSize() + 1 || evalStream.length <= s.blockSize() + 1) {
                throw new IllegalArgumentException("Corpus shorter than one block: add examples or shrink blockSize");
            }
            log.printf(
                    "tokens: %d train (%.1f per transcript), %d eval%n",
                    trainStream.length, trainStream.length / (double) train.size(), evalStream.length);

            Engine.getInstance().setRandomSeed((int) s.seed()); // initial weights
            long eot = vocab.endOfTextId();
            GptConfig config = new GptConfig(
                    vocab.size(), s.blockSize(), s.nEmbd(), s.nLayer(), s.nHead(), 4 * s.nEmbd(), 1e-5f, 0f, eot, eot);
            Gpt gpt = new Gpt(config);
            gpt.initialize(manager);
            long parameters = gpt.parametersByName().values().stream()
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            log.printf(
                    "model: %d layers, width %d, %d heads, block %d, vocab %d: %,d parameters (%.1f MB in F32)%n",
                    s.nLayer(), s.nEmbd(), s.nHead(), s.blockSize(), vocab.size(), parameters, parameters * 4 / 1e6);

            // AdamW: decay matrices and embeddings only (nanoGPT's configure_optimizers), never biases or LN gains.
            Tracker schedule = update -> s.learningRateAt(update - 1); // DJL counts updates from 1
            Optimizer decayed = Optimizer.adamW()
                    .optLearningRateTracker(schedule)
                    .optBeta1(s.beta1())
                    .optBeta2(s.beta2())
                    .optWeightDecays(s.weightDecay())
                    .build();
            Optimizer undecayed = Optimizer.adamW()
                    .optLearningRateTracker(schedule)
                    .optBeta1(s.beta1())
                    .optBeta2(s.beta2())
                    .optWeightDecays(0f)
                    .build();
            List<Parameter> params = new ArrayList<>(gpt.parametersByName().values());

            Random batches = new Random(s.seed());
            Random evalBatches = new Random(s.seed() + 1);
            List<long[][]> evalSet = new ArrayList<>();
            for (int i = 0; i < s.evalBatches(); i++) {
                evalSet.add(sampleBatch(evalStream, s.batchSize(), s.blockSize(), evalBatches));
            }
            long tokensPerStep = (long) s.batchSize() * s.blockSize();
            float emaLoss = Float.NaN;
            float evalLoss = Float.NaN;
            long loopStart = System.nanoTime();
            long windowStart = loopStart;
            for (int step = 0; step < s.steps(); step++) {
                float loss;
                float gradNorm;
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    // 1. a batch of random windows: x = tokens[i : i+T], y = tokens[i+1 : i+T+1]
                    NDArray batch = stepManager.create(sampleBatch(trainStream, s.batchSize(), s.blockSize(), batches));
                    // 2. forward and the mean next-token cross-entropy
                    NDArray lossArray = lmLoss(gpt, new ParameterStore(stepManager, false), batch, true);
                    // 3. backward
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                    List<NDArray> grads = new ArrayList<>(params.size());
                    for (Parameter p : params) {
                        NDArray g = p.getArray().getGradient();
                        g.attach(stepManager); // the handle only: the gradient buffer stays with the weight
                        grads.add(g);
                    }
                    // 4. global-norm clipping (DJL's clipGrad clips each element, from above only)
                    gradNorm = AdamW.clipGlobalNorm(grads, s.gradClip());
                    // 5. AdamW step
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        Optimizer opt = p.getArray().getShape().dimension() >= 2 ? decayed : undecayed;
                        opt.update(p.getId(), p.getArray(), grads.get(i));
                    }
                    // 6. zero the gradients: PyTorch accumulates them across backward passes
                    for (NDArray g : grads) {
                        g.muli(0f);
                    }
                }
                emaLoss = Float.isNaN(emaLoss) ? loss : 0.95f * emaLoss + 0.05f * loss;
                boolean last = step == s.steps() - 1;
                if ((step + 1) % s.logInterval() == 0 || last) {
                    long now = System.nanoTime();
                    int stepsInWindow = (step % s.logInterval()) + 1;
                    double tokPerSec = stepsInWindow * tokensPerStep / ((now - windowStart) / 1e9);
                    windowStart = now;
                    log.printf(
                            Locale.ROOT,
                            "step %5d/%d  loss %.4f (avg %.4f)  grad-norm %.3f  lr %.2e  %,.0f tok/s%n",
                            step + 1,
                            s.steps(),
                            loss,
                            emaLoss,
                            gradNorm,
                            s.learningRateAt(step),
                            tokPerSec);
                }
                if ((step + 1) % s.evalInterval() == 0 || last) {
                    evalLoss = evalLoss(gpt, manager, evalSet);
                    log.printf(Locale.ROOT, "step %5d  eval loss %.4f%n", step + 1, evalLoss);
                    System.gc(); // direct buffers of closed managers are returned sooner (platform notes)
                    windowStart = System.nanoTime(); // tokens/s counts training steps only
                }
            }
            double loopSeconds = (System.nanoTime() - loopStart) / 1e9;
            double tokensPerSecond = s.steps() * tokensPerStep / loopSeconds;

            HfCheckpoint.save(gpt, outDir, null);
            writeGenerationConfig(outDir, eot);

            TaskEvaluation.Report report = null;
            long overlap = 0;
            if (s.evalTasks() > 0) {
                List<Task> tasks = TaskEvaluation.heldOutTasks(TaskFamily.defaults(), s.evalTasks(), s.seed() + 2);
                report = TaskEvaluation.run(gpt, tokenizer, tasks, manager, 50, 48);
                Set<String> seen = new HashSet<>();
                train.forEach(e -> seen.add(e.task().prompt()));
                overlap = tasks.stream().filter(t -> seen.contains(t.prompt())).count();
                log.printf(Locale.ROOT, "held-out tasks: %s%n", report.overall());
                report.byFamily().forEach((f, r) -> log.printf(Locale.ROOT, "  %-10s %s%n", f, r));
                log.printf("  (%d of %d held-out prompts also occur verbatim in the corpus)%n", overlap, tasks.size());
            }
            double wall = (System.nanoTime() - started) / 1e9;
            Result result = new Result(
                    gpt,
                    parameters,
                    vocab.size(),
                    trainStream.length,
                    emaLoss,
                    evalLoss,
                    tokensPerSecond,
                    wall,
                    report,
                    overlap);
            writeTrainingArgs(outDir, command, result, qualities);
            ModelCard.write(outDir, s, config, result, qualities, train.subList(0, Math.min(8, train.size())), command);
            log.printf(
                    Locale.ROOT,
                    "saved %s: train loss %.4f, eval loss %.4f, %.0f tok/s, %.0f s%n",
                    outDir,
                    emaLoss,
                    evalLoss,
                    tokensPerSecond,
                    wall);
            return result;
        }
    }

    /** Mean next-token cross-entropy of (B, T + 1) windows: predict tokens 1..T from 0..T-1. */
    static NDArray lmLoss(Gpt gpt, ParameterStore ps, NDArray windows, boolean training) {
        NDArray x = windows.get(new NDIndex(":, :-1")); // (B, T)
        NDArray y = windows.get(new NDIndex(":, 1:")); // (B, T)
        CausalLm.Output out = gpt.forward(ps, x, null, null, null, training);
        NDArray logits = gpt.logits(ps, out.hidden()); // (B, T, V)
        return LogProbs.ofTokens(logits, y, 1f).neg().mean();
    }

    private static float evalLoss(Gpt gpt, NDManager manager, List<long[][]> evalSet) {
        double sum = 0;
        for (long[][] b : evalSet) {
            try (NDManager m = manager.newSubManager()) {
                sum += lmLoss(gpt, new ParameterStore(m, false), m.create(b), false)
                        .getFloat();
            }
        }
        return (float) (sum / evalSet.size());
    }

    /** All transcripts' token ids back to back, as GPT-2 packs documents (each already ends in end-of-text). */
    static int[] pack(GptTokenizer tokenizer, List<String> texts) {
        List<long[]> encoded = new ArrayList<>(texts.size());
        long total = 0;
        for (String t : texts) {
            long[] ids = tokenizer.encode(t);
            encoded.add(ids);
            total += ids.length;
        }
        int[] out = new int[Math.toIntExact(total)];
        int k = 0;
        for (long[] ids : encoded) {
            for (long id : ids) {
                out[k++] = (int) id;
            }
        }
        return out;
    }

    /** (B, T + 1) windows starting at uniformly random offsets of the stream (nanoGPT's get_batch). */
    static long[][] sampleBatch(int[] stream, int batchSize, int blockSize, Random rng) {
        long[][] out = new long[batchSize][blockSize + 1];
        for (int b = 0; b < batchSize; b++) {
            int start = rng.nextInt(stream.length - blockSize - 1);
            for (int t = 0; t <= blockSize; t++) {
                out[b][t] = stream[start + t];
            }
        }
        return out;
    }

    private static void writeGenerationConfig(Path dir, long eot) throws IOException {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("bos_token_id", eot);
        g.put("eos_token_id", eot);
        g.put("pad_token_id", eot);
        JSON.writeValue(dir.resolve("generation_config.json").toFile(), g);
    }

    private void writeTrainingArgs(
            Path dir, String command, Result r, Map<InstructionCorpus.Quality, Integer> qualities) throws IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("command", command);
        args.put("settings", settings.asMap());
        args.put("corpus_answer_quality", qualities);
        args.put("parameters", r.parameters());
        args.put("vocab_size", r.vocabSize());
        args.put("train_tokens", r.trainTokens());
        args.put("tokens_seen", (long) settings.steps() * settings.batchSize() * settings.blockSize());
        args.put("final_train_loss", r.finalTrainLoss());
        args.put("final_eval_loss", r.finalEvalLoss());
        args.put("tokens_per_second", Math.round(r.tokensPerSecond()));
        args.put("wall_seconds", Math.round(r.wallSeconds()));
        if (r.evaluation() != null) {
            Map<String, Object> eval = new LinkedHashMap<>();
            eval.put("overall", r.evaluation().overall());
            eval.put("by_family", r.evaluation().byFamily());
            eval.put("prompts_also_in_corpus", r.heldOutPromptsInCorpus());
            args.put("held_out_evaluation", eval);
        }
        JSON.writeValue(dir.resolve("training_args.json").toFile(), args);
    }
}
