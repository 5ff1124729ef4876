package org.instructforge.training.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.instructforge.training.model.ComputeDevice;
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
            ComputeDevice.useThreads(properties.threads()); // before the first Engine call
        }
        this.engine = Engine.getEngine("PyTorch");
        this.device = ComputeDevice.choose(properties.device(), engine.getGpuCount());
        log.info(
                "DJL {} engine {} on {} ({} GPU(s) visible)",
                engine.getEngineName(),
                engine.getVersion(),
                device,
                engine.getGpuCount());
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
