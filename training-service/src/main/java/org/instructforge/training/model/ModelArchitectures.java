package org.instructforge.training.model;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The architectures this product can train and sample: {@code config.json}'s {@code model_type} values. The one list
 * that {@code forge pull}, {@code forge import} and the model loader agree on.
 */
public final class ModelArchitectures {

    /** GPT-2 (the shipped base model) and the Llama family (Llama, Qwen2, SmolLM2 is {@code llama}, Mistral). */
    public static final Set<String> SUPPORTED = Set.of("gpt2", "llama", "qwen2", "mistral");

    private ModelArchitectures() {}

    /** The supported {@code model_type}s in a stable order, for messages. */
    public static SortedSet<String> listed() {
        return new TreeSet<>(SUPPORTED);
    }
}
