package org.instructforge.training.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code forge bench model --shapes}: known names are measured, an unknown one is refused before anything runs. */
class ModelBenchmarkTest {

    @Test
    void acceptsKnownShapeNames() {
        assertThat(ModelBenchmark.shapes("smollm2-135m, default")).containsExactly("smollm2-135m", "default");
    }

    @Test
    void refusesAnUnknownShapeNameListingTheKnownOnes() {
        assertThatThrownBy(() -> ModelBenchmark.shapes("default,gpt2-smal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--shapes default,gpt2-smal: unknown model gpt2-smal; known: default, gpt2-small,"
                        + " smollm2-135m");
    }

    @Test
    void refusesAnEmptyList() {
        assertThatThrownBy(() -> ModelBenchmark.shapes(","))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: default, gpt2-small, smollm2-135m");
    }
}
