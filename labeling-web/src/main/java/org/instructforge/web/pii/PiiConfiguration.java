package org.instructforge.web.pii;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One scanner for the whole app: it is thread-safe and loads its name gazetteer once. */
@Configuration(proxyBeanMethods = false)
class PiiConfiguration {

    @Bean
    PiiScanner piiScanner() {
        return new PiiScanner();
    }

    @Bean
    PiiScrubber piiScrubber() {
        return new PiiScrubber();
    }
}
