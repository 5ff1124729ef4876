package org.instructforge.training.engine;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The compute engine.
 *
 * @param device {@code auto} (a CUDA GPU when the engine sees one, else the CPU), {@code cpu} or {@code gpu}
 * @param threads PyTorch intra-op threads; 0 leaves PyTorch's default (one per core)
 */
@ConfigurationProperties("instructforge.engine")
public record EngineProperties(String device, int threads) {

    public EngineProperties {
        if (device == null || device.isBlank()) {
            device = "auto";
        }
        if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("instructforge.engine.device must be auto, cpu or gpu, was " + device);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("instructforge.engine.threads must be >= 0, was " + threads);
        }
    }
}
