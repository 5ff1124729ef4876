package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Logits parity with the independent torch reference (src/test/python/gpt2_reference.py), whose outputs are committed
 * as JSON so these tests need no Python.
 */
class GptParityTest {

    @Test
    void matchesTorchReferenceOnTheHuggingFaceWrittenFixture() throws Exception {
        JsonNode expected = ModelFixtures.json(ModelFixtures.resource("expected_logits_hf_gpt2_tiny.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.hfGpt2Tiny(), manager, false);
            for (JsonNode c : expected.get("cases")) {
                NDArray logits = ModelFixtures.logits(gpt, manager, c, true);
                float[] flat = logits.toFloatArray();
                float[] logsumexp =
                        logits.logSoftmax(-1).neg().add(logits).get(":, :, 0").toFloatArray();
                long[][] ids = ModelFixtures.longMatrix(c.get("input_ids"));
                for (int b = 0; b < ids.length; b++) {
                    for (int t = 0; t < ids[b].length; t++) {
                        for (int s = 0; s < c.get("vocab_slice").size(); s++) {
                            long v = c.get("vocab_slice").get(s).asLong();
                            assertThat(ModelFixtures.at(flat, logits, b, t, v))
                                    .as("%s [%d,%d,%d]", c.get("name"), b, t, v)
                                    .isCloseTo(
                                            (float) c.get("logits_slice")
                                                    .get(b)
                                                    .get(t)
                                                    .get(s)
                                                    .asDouble(),
                                            within(1e-5f));
                        }
                        // logsumexp covers all 50,257 logits at once.
                        assertThat(logsumexp[(int) (b * ids[b].length + t)])
                                .isCloseTo(
                                        (float) c.get("logsumexp").get(b).get(t).asDouble(), within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void matchesTorchReferenceOnAMultiHeadMultiLayerModelIncludingPaddedBatches() throws Exception {
        Path dir = ModelFixtures.randomMultiHead();
        JsonNode expected = ModelFixtures.json(dir.resolve("expected_logits.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(dir, manager, false);
            for (JsonNode c : expected.get("cases")) {
                // With the reference's position ids, and with Gpt deriving them from the mask itself.
                for (boolean explicitPositions : new boolean[] {true, false}) {
                    ModelFixtures.assertMatchesOnRealTokens(
                            c, ModelFixtures.logits(gpt, manager, c, explicitPositions));
                }
            }
        }
    }
}
