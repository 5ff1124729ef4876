package org.instructforge.web.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The demo banner names the port the server listens on (PORT, here a random one), not a fixed 8080. Its own context
 * (the property below), so the banner is printed while this class captures the output.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "instructforge.test.context=demo-banner")
@ExtendWith(OutputCaptureExtension.class)
class DemoBannerTest {

    @LocalServerPort
    int port;

    @Test
    void theBannerPrintsTheUrlWithThePortActuallyUsed(CapturedOutput output) {
        assertThat(port).isNotEqualTo(8080);
        assertThat(output.getOut()).contains("Open http://localhost:" + port + " and sign in.");
    }
}
