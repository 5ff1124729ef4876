package org.instructforge.training.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Gpt} and {@link Llama} share as DJL blocks: parameters registered under their checkpoint names with
 * the shape each must have, lazy initialisation of what a checkpoint did not fill, and DJL's Block entry point.
 * The math lives in the subclasses.
 */
abstract class DecoderBlock extends AbstractBlock implements CausalLm {

    /** Additive attention bias for masked keys: exp underflows to exactly 0, and a fully masked row stays finite. */
    static final float MASKED = -1e30f;

    static final String SCALAR_HEAD = "scalar_head.";

    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();

    /** Parameters by name, in registration order. */
    @Override
    public Map<String, Parameter> parametersByName() {
        return byName;
    }

    @Override
    public Shape shapeOf(String name) {
        return shapes.get(name);
    }

    /** Allocates (randomly initialised) arrays for every parameter that has none yet. */
    @Override
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1));
    }

    /**
     * Shapes are given to the parameters only here, for those still without an array: DJL's
     * {@code Parameter.setArray} refuses a parameter that already has a shape, and loading a checkpoint sets arrays.
     */
    @Override
    protected void prepare(Shape[] inputShapes) {
        byName.forEach((name, p) -> {
            if (!p.isInitialized()) {
                p.setShape(shapes.get(name));
            }
        });
    }

    Parameter param(String name, Initializer init, long... shape) {
        Parameter.Type type = name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
        Parameter p = addParameter(Parameter.builder()
                .setName(name)
                .setType(type)
                .optInitializer(init)
                .build());
        byName.put(name, p);
        shapes.put(name, new Shape(shape));
        return p;
    }

    /** DJL Block entry point (e.g. for a Trainer): inputs (tokens[, attentionMask[, positionIds]]) to (logits). */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        NDArray positions = inputs.size() > 2 ? inputs.get(2) : null;
        Output out = forward(ps, inputs.get(0), mask, positions, null, training);
        return new NDList(logits(ps, out.hidden()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config().vocabSize())};
    }

    /** Looks parameters up through the ParameterStore, so a DJL Trainer can mirror them on its device. */
    record Weights(ParameterStore ps, Device device, boolean training) {
        /** The value of p on the device, or null for an absent (optional) parameter such as a disabled bias. */
        NDArray get(Parameter p) {
            return p == null ? null : ps.getValue(p, device, training);
        }
    }
}
