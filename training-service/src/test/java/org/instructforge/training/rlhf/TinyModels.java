package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.instructforge.training.BaseModel;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptConfig;
import org.instructforge.training.model.HfCheckpoint;

/** Small random GPTs with the shipped base model's tokenizer, so trainer tests run in seconds. */
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
            Gpt gpt = new Gpt(tiny, scalarHead);
            gpt.initialize(manager);
            HfCheckpoint.save(gpt, dir, baseModel());
        }
        return dir;
    }
}
