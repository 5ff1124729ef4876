package org.instructforge.web;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.labeling.TaskQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The setup every browser test shares: the app on a random port (one Spring context for all of them, with the
 * claim throttle raised so a test's many claims are never refused), one headless Chromium per test class, the
 * app's URL, signing in, and the fixtures' beans (accounts, datasets and imports, the task queue, SQL).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "instructforge.labeling.claims-per-minute=1000")
public abstract class BrowserTest {

    protected static BrowserSupport chromium;

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected Accounts accounts;

    @Autowired
    protected Datasets datasets;

    @Autowired
    protected PromptImporter importer;

    @Autowired
    protected TaskQueue queue;

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

    /** Signs in on {@code path} through the login page, as a person does; the page is left where that leads. */
    protected Page signIn(BrowserContext context, String path, String username, String password) {
        return BrowserSupport.signIn(context, url(path), username, password);
    }
}
