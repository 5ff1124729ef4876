package org.instructforge.web.checkpoint;

import org.instructforge.shared.memory.ModelShape;

/**
 * A checkpoint's architecture and size as the training service recorded them when it registered the checkpoint
 * (V069). Checkpoints registered before that, whose folder no worker could read since, are unknown.
 *
 * @param architecture {@code config.json}'s {@code model_type}; null: unknown
 * @param shape what sizes a run of it; null: unknown
 */
public record CheckpointShape(long id, String architecture, ModelShape shape) implements java.io.Serializable {

    /** An unknown architecture may still be one this product runs (the worker checks when it loads it). */
    public boolean supported() {
        return architecture == null || ModelShape.SUPPORTED_ARCHITECTURES.contains(architecture);
    }

    /** "gpt2 · 1.9M parameters", or what is unknown. */
    public String summary() {
        return (architecture == null ? "architecture unknown" : architecture) + " · "
                + (shape == null ? "size unknown" : ModelShape.formatCount(shape.parameters()) + " parameters");
    }
}
