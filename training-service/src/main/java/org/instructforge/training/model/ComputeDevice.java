package org.instructforge.training.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Where the model runs: the first GPU when the PyTorch engine reports one, otherwise the CPU.
 *
 * <p>CPU threads: libtorch reads {@code ai.djl.pytorch.num_threads} (intra-op) and
 * {@code ai.djl.pytorch.num_interop_threads} once, when the engine loads. Set them with {@link #useThreads} before
 * anything touches DJL, or as {@code -Dai.djl.pytorch.num_threads=N} on the JVM command line (the test build sets 2);
 * later changes have no effect. {@code OMP_NUM_THREADS} in the environment also works.
 */
public final class ComputeDevice {

    private ComputeDevice() {}

    public static Device pick() {
        return choose("auto", Engine.getInstance().getGpuCount());
    }

    /**
     * @param wanted {@code auto} (the first GPU when there is one, else the CPU), {@code cpu} or {@code gpu}
     * @param gpuCount how many GPUs the engine reports
     */
    public static Device choose(String wanted, int gpuCount) {
        return switch (wanted) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpuCount == 0) {
                    throw new IllegalStateException("A GPU was asked for but the engine sees no GPU");
                }
                yield Device.gpu();
            }
            case "auto" -> gpuCount > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("Device must be auto, cpu or gpu, was " + wanted);
        };
    }

    /**
     * Prepares the calling thread for training: PyTorch's grad mode is per thread and on in every new thread, and
     * DJL turns it off only in the thread that loaded the engine. With it on, the optimizer's in-place weight
     * updates (outside any {@code GradientCollector}) fail with "a leaf Variable that requires grad is being used in
     * an in-place operation". Call it first in any thread other than the one that loaded the engine.
     */
    public static void prepareThread() {
        Engine.getInstance(); // loads the engine if this is the first touch
        JniUtils.setGradMode(false);
    }

    /** Must run before the engine loads; one inter-op thread suits a single model doing one thing at a time. */
    public static void useThreads(int intraOpThreads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
