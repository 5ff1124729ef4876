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
            Gpt gpt = HfCheckpoint.load(ModelFixtures.hfGpt2Tiny(), manager, false);
            for (JsonNode c : expected.get("cases")) {
                NDArray logits = logits(gpt, manager, c, true);
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
            Gpt gpt = HfCheckpoint.load(dir, manager, false);
            for (JsonNode c : expected.get("cases")) {
                // With the reference's position ids, and with Gpt deriving them from the mask itself.
                for (boolean explicitPositions : new boolean[] {true, false}) {
                    assertMatchesOnRealTokens(c, logits(gpt, manager, c, explicitPositions));
                }
            }
        }
    }

    private static void assertMatchesOnRealTokens(JsonNode c, NDArray logits) {
        float[] flat = logits.toFloatArray();
        JsonNode expected = c.get("logits");
        long[][] mask = c.has("attention_mask") ? ModelFixtures.longMatrix(c.get("attention_mask")) : null;
        for (int b = 0; b < expected.size(); b++) {
            for (int t = 0; t < expected.get(b).size(); t++) {
                if (mask != null && mask[b][t] == 0) {
                    continue; // a padding position's output is never used
                }
                for (int v = 0; v < expected.get(b).get(t).size(); v++) {
                    assertThat(ModelFixtures.at(flat, logits, b, t, v))
                            .as("%s [%d,%d,%d]", c.get("name"), b, t, v)
                            .isCloseTo((float) expected.get(b).get(t).get(v).asDouble(), within(1e-4f));
                }
            }
        }
    }

    private static NDArray logits(Gpt gpt, NDManager manager, JsonNode c, boolean explicitPositions) {
        NDArray ids = manager.create(ModelFixtures.longMatrix(c.get("input_ids")));
        NDArray mask =
                c.has("attention_mask") ? manager.create(ModelFixtures.longMatrix(c.get("attention_mask"))) : null;
        NDArray positions = explicitPositions && c.has("position_ids")
                ? manager.create(ModelFixtures.longMatrix(c.get("position_ids")))
                : null;
        return gpt.logits(gpt.forward(ids, mask, positions, null).hidden());
    }
}
