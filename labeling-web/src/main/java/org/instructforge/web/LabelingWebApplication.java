package org.instructforge.web;

import org.instructforge.shared.db.EmbeddedDatabaseConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The web app for labelers, admins and ML engineers. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(EmbeddedDatabaseConfiguration.class)
@EnableScheduling
public class LabelingWebApplication {

    public static void main(String[] args) {
        SpringApplication.run(LabelingWebApplication.class, args);
    }
}
