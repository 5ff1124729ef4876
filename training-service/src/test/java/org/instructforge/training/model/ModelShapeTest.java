package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.instructforge.shared.memory.ModelShape;
import org.instructforge.training.BaseModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shape a checkpoint records for the dashboard's memory estimate (shared-model's {@link ModelShape}) counts the
 * parameters the model classes actually build, for every architecture and option: biases, GQA, tied or untied heads,
 * head_dim, a scalar head.
 */
class ModelShapeTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "base",
                "llama-family/llama-gqa-tied",
                "llama-family/llama3-rope-scaling",
                "llama-family/qwen2-bias",
                "llama-family/llama-untied-head-dim",
                "llama-family/mistral-sharded-bf16"
            })
    void parameterCountFromTheConfigIsTheModelsOwn(String name) throws Exception {
        Path dir = name.equals("base") ? BaseModel.dir() : ModelFixtures.resource(name);
        DecoderConfig config = ModelArchitectures.readConfig(dir);
        ModelShape shape = config.shape();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm plain = HfCheckpoint.load(dir, manager, false);
            CausalLm withHead = HfCheckpoint.load(dir, manager, true);
            assertThat(shape.parameters()).isEqualTo(count(plain));
            assertThat(shape.parametersWithScalarHead()).isEqualTo(count(withHead));
        }
        assertThat(shape.architecture()).isEqualTo(config.modelType());
        assertThat(shape.hiddenSize()).isEqualTo(config.hiddenSize());
        assertThat(shape.maxPositions()).isEqualTo(config.blockSize());
        assertThat(shape.supported()).isTrue();
    }

    /** Each weight once: a tied LM head is the embedding's array, not a second one. */
    private static long count(CausalLm model) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (Parameter p : model.parametersByName().values()) {
            if (seen.add(p.getArray())) {
                total += p.getArray().getShape().size();
            }
        }
        return total;
    }
}
