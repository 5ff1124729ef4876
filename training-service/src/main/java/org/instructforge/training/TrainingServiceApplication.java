package org.instructforge.training;

import org.instructforge.shared.db.EmbeddedDatabaseConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * Reads the labeling tables, runs SFT, reward-model fitting and PPO through DJL, and writes checkpoints,
 * metrics and next-round candidates.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(EmbeddedDatabaseConfiguration.class)
public class TrainingServiceApplication {

    public static void main(String[] args) {
        // DJL would otherwise make an HTTP call when the engine starts; nothing may download at run time.
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(TrainingServiceApplication.class, args);
    }
}
