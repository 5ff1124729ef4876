package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.instructforge.training.BaseModel;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.model.Llama;
import org.instructforge.training.model.LlamaConfig;

/** Small random GPTs (and Llama-family models) with the shipped base model's tokenizer, so trainer tests run in seconds. */
public final class TinyModels {

    private TinyModels() {}

    static Path baseModel() {
        return BaseModel.dir();
    }

    /** A seeded 2-layer, 32-wide GPT (optionally with a scalar head) saved in HF layout under {@code dir}. */
    public static Path random(Path dir, long seed, boolean scalarHead) throws IOException {
        GptConfig base = GptConfig.read(baseModel().resolve("config.json"));
        GptConfig tiny =
                new GptConfig(base.vocabSize(), 64, 32, 2, 2, 128, 1e-5f, 0f, base.bosTokenId(), base.eosTokenId());
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            CausalLm gpt = new Gpt(tiny, scalarHead);
            gpt.initialize(manager);
            HfCheckpoint.save(gpt, dir, baseModel());
        }
        return dir;
    }

    /**
     * A seeded 2-layer, 32-wide Llama-family model (grouped-query attention, tied head, rope_theta 10000) with the
     * base model's tokenizer: the trainers must run it exactly as they run a GPT.
     */
    public static Path randomLlama(Path dir, long seed, boolean scalarHead) throws IOException {
        GptConfig base = GptConfig.read(baseModel().resolve("config.json"));
        LlamaConfig tiny = new LlamaConfig(
                "llama",
                base.vocabSize(),
                64,
                32,
                64,
                2,
                4,
                2,
                8,
                1e-5f,
                10000.0,
                null,
                false,
                false,
                false,
                true,
                0f,
                base.bosTokenId(),
                java.util.List.of(base.eosTokenId()),
                0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            CausalLm llama = new Llama(tiny, scalarHead);
            llama.initialize(manager);
            HfCheckpoint.save(llama, dir, baseModel());
        }
        return dir;
    }
}
