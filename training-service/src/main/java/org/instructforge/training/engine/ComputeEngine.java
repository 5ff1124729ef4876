package org.instructforge.training.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The DJL PyTorch engine and the device training runs on, chosen once at start-up: a CUDA GPU when the
 * engine reports one (unless configured otherwise), the CPU otherwise.
 */
@Component
public class ComputeEngine {

    private static final Logger log = LoggerFactory.getLogger(ComputeEngine.class);

    private final Engine engine;
    private final Device device;

    ComputeEngine(EngineProperties properties) {
        if (properties.threads() > 0) {
            // Read by the PyTorch engine when it loads, so it must be set before the first Engine call.
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(properties.threads()));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        this.engine = Engine.getEngine("PyTorch");
        this.device = choose(properties.device(), engine.getGpuCount());
        log.info(
                "DJL {} engine {} on {} ({} GPU(s) visible)",
                engine.getEngineName(),
                engine.getVersion(),
                device,
                engine.getGpuCount());
    }

    static Device choose(String wanted, int gpuCount) {
        return switch (wanted) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpuCount == 0) {
                    throw new IllegalStateException("instructforge.engine.device=gpu but the engine sees no GPU");
                }
                yield Device.gpu();
            }
            default -> gpuCount > 0 ? Device.gpu() : Device.cpu();
        };
    }

    public Device device() {
        return device;
    }

    public String engineName() {
        return engine.getEngineName();
    }

    public String engineVersion() {
        return engine.getVersion();
    }

    public int gpuCount() {
        return engine.getGpuCount();
    }
}
