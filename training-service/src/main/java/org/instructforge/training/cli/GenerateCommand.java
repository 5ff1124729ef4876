package org.instructforge.training.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.SamplingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Answer a prompt; it is wrapped in the model's chat template (tokenizer_config.json's"
                + " chat_template; User: ... Assistant: for the GPT-2 base) unless --raw.")
final class GenerateCommand implements Callable<Integer> {

    private final PrintStream out;

    @Mixin
    private ModelDirectory model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT")
    private String prompt;

    @Option(names = "--greedy", description = "the likeliest token each step (no sampling options then)")
    private boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "default 0.8")
    private Float temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "default 0.95")
    private Float topP;

    @Option(names = "--top-k", paramLabel = "K", description = "default 0: off")
    private Integer topK;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "64", description = "default ${DEFAULT-VALUE}")
    private int maxNewTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "default ${DEFAULT-VALUE}")
    private long seed;

    @Option(names = "--raw", description = "the prompt as it is, without the chat template")
    private boolean raw;

    GenerateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        if (greedy && (temperature != null || topP != null || topK != null)) {
            throw new ForgeCli.UsageException("--greedy cannot be combined with --temperature, --top-p or --top-k");
        }
        Path modelDir = model.dir();
        SamplingSettings sampling = new SamplingSettings(
                maxNewTokens,
                greedy ? 0f : temperature == null ? 0.8f : temperature,
                topK == null ? 0 : topK,
                topP == null ? 0.95f : topP,
                true);
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick());
                GptTokenizer tokenizer = GptTokenizer.load(modelDir)) {
            CausalLm gpt = HfCheckpoint.load(modelDir, manager, false);
            ChatFormat format = ChatFormat.of(modelDir);
            long[] ids = tokenizer.encode(raw ? prompt : format.prompt(List.of(ChatMessage.user(prompt))));
            if (ids.length == 0) {
                throw new ForgeCli.UsageException("--prompt is empty");
            }
            int room = gpt.config().blockSize() - ids.length;
            if (room < 1) {
                throw new IllegalArgumentException("the prompt is " + ids.length + " tokens; the model's context is "
                        + gpt.config().blockSize());
            }
            if (sampling.maxNewTokens() > room) {
                sampling = new SamplingSettings(
                        room, sampling.temperature(), sampling.topK(), sampling.topP(), sampling.stopAtEos());
            }
            Generation g = new Generator(gpt).generate(manager, List.of(ids), sampling, new Random(seed));
            String text = tokenizer.decode(g.response(0));
            out.println(raw ? text : format.answerOf(text));
        }
        return 0;
    }
}
