package org.instructforge.training.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.training.corpus.InstructionCorpus;
import org.instructforge.training.evaluation.TaskEvaluation;
import org.instructforge.training.model.GptConfig;

/** Writes the README.md that goes with a pretrained base model: what it is, how it was made, how well it does. */
final class ModelCard {

    private ModelCard() {}

    static void write(
            Path dir,
            PretrainSettings s,
            GptConfig config,
            Pretrainer.Result r,
            Map<InstructionCorpus.Quality, Integer> qualities,
            List<InstructionCorpus.Example> examples,
            String command)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# InstructForge base model\n\n");
        md.append(
                "A small GPT-2 pretrained from scratch by InstructForge's own `pretrain` command on a generated corpus of\n"
                        + "instruction transcripts. It is the default policy of the demo: it answers easy instructions right\n"
                        + "often enough to be useful and makes the corpus's mistakes often enough for SFT and RLHF to fix.\n\n");
        md.append("Reproduce it (deterministic for a given seed and thread count):\n\n```bash\n")
                .append(command)
                .append("\n```\n\n");
        md.append("## Model\n\n");
        md.append(String.format(
                Locale.ROOT,
                "- GPT-2 architecture (`model_type: gpt2`, loads in transformers' `GPT2LMHeadModel`): %d layers, width %d,"
                        + " %d heads, context %d tokens\n",
                config.nLayer(),
                config.nEmbd(),
                config.nHead(),
                config.blockSize()));
        md.append(String.format(Locale.ROOT, "- %,d parameters, F32 safetensors, dropout 0\n", r.parameters()));
        md.append(String.format(
                Locale.ROOT,
                "- Tokenizer: byte-level BPE like GPT-2's, trained on the corpus: %d tokens, digits never merged,"
                        + " `<|endoftext|>` = %d\n\n",
                r.vocabSize(),
                config.eosTokenId()));
        md.append("## Chat format\n\n```\n<|endoftext|>User: {prompt}\nAssistant: {answer}<|endoftext|>\n```\n\n");
        md.append("Generation gives the model everything up to `Assistant:` and stops at `<|endoftext|>`.\n\n");
        md.append("## Corpus\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d transcripts (%,d tokens), seed %d. Task families: arithmetic (add, subtract, multiply), word"
                        + " transforms (reverse, capitals, count letters or vowels, first or last letter), list transforms"
                        + " (sort, reverse, first or last item, count, join with commas), factual questions over a built-in"
                        + " knowledge base (capitals, animals' legs, colours, planets, opposites, languages), and format"
                        + " constraints on top of them (capital letters, lower case, one word, JSON); then three behaviour"
                        + " families, each with look-alike twins: questions about made-up countries and animals (\"I"
                        + " don't know.\" is right) beside real ones, requests to harm an animal (a refusal is right)"
                        + " beside benign ones (feed, walk, ...), and open constraints with many right answers (\"Name"
                        + " two fruits\").\n\n",
                s.trainExamples(),
                r.trainTokens(),
                s.seed()));
        md.append(String.format(
                Locale.ROOT,
                "Imperfections on purpose: %.0f %% of answers are plausible mistakes (off by one, a wrong fact, the"
                        + " format ignored, \"I am not sure.\" to a sum, a hallucinated answer about a made-up subject,"
                        + " help with a harmful request, a refusal of a benign one), %.0f %% are right but rambling, so"
                        + " that the base model can write both the good and the bad behaviour. Actual counts: %s.\n\n",
                100 * s.wrongRate(),
                100 * s.ramblingRate(),
                qualities));
        md.append("Examples:\n\n```\n");
        for (InstructionCorpus.Example e : examples) {
            md.append(e.transcript()).append("   [").append(e.quality()).append("]\n");
        }
        md.append("```\n\n");
        md.append("## Training\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%d steps of %d x %d tokens (%,d tokens seen), AdamW (beta2 %.2f, weight decay %.2f on matrices),"
                        + " peak learning rate %.1e with %d warm-up steps and cosine decay to %.0f %%, gradient norm"
                        + " clipped at %.1f.\n\n",
                s.steps(),
                s.batchSize(),
                s.blockSize(),
                (long) s.steps() * s.batchSize() * s.blockSize(),
                s.beta2(),
                s.weightDecay(),
                s.learningRate(),
                s.warmupSteps(),
                100 * s.minLearningRateRatio(),
                s.gradClip()));
        md.append(String.format(
                Locale.ROOT,
                "Final train loss %.3f (moving average), eval loss %.3f on a separately seeded corpus; %,.0f tokens/s,"
                        + " %.0f s in all. Details: `training_args.json`.\n\n",
                r.finalTrainLoss(),
                r.finalEvalLoss(),
                r.tokensPerSecond(),
                r.wallSeconds()));
        if (r.evaluation() != null) {
            md.append("## Evaluation\n\n");
            md.append(String.format(
                    Locale.ROOT,
                    "Greedy answers to %d held-out generated tasks (seed %d), scored by each task's judge (1 = right and"
                            + " in the asked format; wordy or badly formatted answers get partial credit).\n\n",
                    r.evaluation().overall().tasks(),
                    s.seed() + 2));
            md.append("| family | tasks | accuracy | mean score |\n| --- | ---: | ---: | ---: |\n");
            r.evaluation().byFamily().forEach((f, sum) -> md.append(row(f, sum)));
            md.append(row("**all**", r.evaluation().overall())).append('\n');
            md.append(String.format(
                    Locale.ROOT,
                    "%d of these %d prompts also occur verbatim in the training corpus: the task space is finite (the"
                            + " knowledge base has a hundred-odd facts), so on those the score measures whether the model"
                            + " picked up the corpus's majority answer rather than generalisation.\n\n",
                    r.heldOutPromptsInCorpus(),
                    r.evaluation().overall().tasks()));
        }
        md.append("## Limitations\n\n");
        md.append("It knows only its corpus: anything outside these task families gets a confident guess in the same\n"
                + "format. It was trained to imitate mistakes as well as right answers, on purpose.\n");
        Files.writeString(dir.resolve("README.md"), md.toString());
    }

    private static String row(String family, TaskEvaluation.Summary s) {
        return String.format(
                Locale.ROOT, "| %s | %d | %.0f %% | %.2f |\n", family, s.tasks(), 100 * s.accuracy(), s.meanScore());
    }
}
