package org.instructforge.training.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.ComputeDevice;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.HfCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
        name = "logits",
        mixinStandardHelpOptions = true,
        description = "Print as JSON the token ids of TEXT and the 10 highest next-token logits after it.")
final class LogitsCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;

    @Mixin
    private ModelDirectory model;

    @Option(names = "--text", required = true, paramLabel = "TEXT")
    private String text;

    LogitsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        Path modelDir = model.dir();
        try (NDManager manager = NDManager.newBaseManager(ComputeDevice.pick());
                GptTokenizer tokenizer = GptTokenizer.load(modelDir)) {
            CausalLm gpt = HfCheckpoint.load(modelDir, manager, false);
            long[] ids = tokenizer.encode(text);
            if (ids.length == 0) {
                throw new ForgeCli.UsageException("--text encodes to no tokens");
            }
            if (ids.length > gpt.config().blockSize()) {
                throw new IllegalArgumentException("the text is " + ids.length + " tokens; the model's context is "
                        + gpt.config().blockSize());
            }
            float[] last;
            try (NDManager step = manager.newSubManager()) {
                NDArray tokens = step.create(ids).reshape(1, ids.length);
                NDArray logits =
                        gpt.logits(gpt.forward(tokens, null, null, null).hidden()); // (1, T, V)
                last = logits.get("0, -1, :").toFloatArray();
            }
            ObjectNode json = JSON.createObjectNode();
            ArrayNode idArray = json.putArray("token_ids");
            for (long id : ids) {
                idArray.add(id);
            }
            ArrayNode top = json.putArray("top10");
            for (int id : topK(last, 10)) {
                ObjectNode entry = top.addObject();
                entry.put("id", id);
                entry.put("token", tokenizer.decode(new long[] {id}));
                entry.put("logit", last[id]);
            }
            out.println(JSON.writeValueAsString(json));
        }
        return 0;
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    static int[] topK(float[] values, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(values[b], values[a]));
        return order.subList(0, Math.min(k, values.length)).stream()
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
