package org.instructforge.web.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo run.
 *
 * @param enabled when true, one account per role is created with a known password (printed at every
 *     start) and a demo prompt dataset is loaded; never enable it on a server others can reach
 */
@ConfigurationProperties("instructforge.demo")
public record DemoProperties(boolean enabled) {}
