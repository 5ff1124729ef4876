package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Where the test checkpoints live, and small conversions between JSON, Java arrays and NDArrays. */
final class ModelFixtures {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SHARED_FIXTURE = "shared/fixtures/hf-gpt2-tiny";

    private ModelFixtures() {}

    /**
     * The Hugging Face-written tiny GPT-2: {@code shared/fixtures/hf-gpt2-tiny} found by walking up from the
     * working directory (the repo's {@code ../shared}, which CI lays beside the clone).
     */
    static Path hfGpt2Tiny() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SHARED_FIXTURE);
            if (Files.isRegularFile(candidate.resolve("model.safetensors"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("The Hugging Face fixture " + SHARED_FIXTURE + " was not found above "
                + Path.of("").toAbsolutePath() + ": it lives in the shared folder beside the repository");
    }

    /** A seeded 2-layer, 4-head, 16-wide checkpoint made by src/test/python/gpt2_reference.py make-random. */
    static Path randomMultiHead() {
        return resource("gpt2-random-mh");
    }

    static JsonNode json(Path file) {
        return JSON.readTree(file.toFile());
    }

    static Path resource(String name) {
        try {
            return Path.of(ModelFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Missing test resource " + name, e);
        }
    }

    static long[][] longMatrix(JsonNode node) {
        long[][] out = new long[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[node.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = node.get(i).get(j).asLong();
            }
        }
        return out;
    }

    /** Value of a (B, T, V) array at [b][t][v] from a flat float[] of its data. */
    static float at(float[] flat, NDArray shapeOf, long b, long t, long v) {
        long tSize = shapeOf.getShape().get(1);
        long vSize = shapeOf.getShape().get(2);
        return flat[(int) ((b * tSize + t) * vSize + v)];
    }
}
