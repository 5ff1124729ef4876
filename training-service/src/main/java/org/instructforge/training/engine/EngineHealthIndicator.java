package org.instructforge.training.engine;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Reports, under {@code /actuator/health}, that the engine loaded and which device it computes on. */
@Component("engine")
class EngineHealthIndicator implements HealthIndicator {

    private final ComputeEngine engine;

    EngineHealthIndicator(ComputeEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("engine", engine.engineName() + " " + engine.engineVersion())
                .withDetail("device", engine.device().toString())
                .withDetail("deviceType", engine.device().isGpu() ? "GPU" : "CPU")
                .withDetail("gpuCount", engine.gpuCount())
                .build();
    }
}
