package org.instructforge.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One headless Chromium per test class and the URL of the app under test (started on a random port). */
public abstract class BrowserTest {

    protected static BrowserSupport chromium;

    @LocalServerPort
    protected int port;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = new BrowserSupport();
    }

    @AfterAll
    static void stopBrowser() {
        chromium.close();
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }
}
