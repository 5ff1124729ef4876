package org.instructforge.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Headless Debian Chromium driven by Playwright, fully offline: Playwright never downloads a browser of
 * its own, and Chromium's background networking is off (the machine has no network).
 */
public final class BrowserSupport implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

    private final Playwright playwright;
    public final Browser browser;

    public BrowserSupport() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + " is missing: run the README's test command, which "
                    + "installs Debian's chromium, or set CHROMIUM_PATH");
        }
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                // Playwright gives each launch a fresh temporary profile of its own.
                                "--disable-sync")));
    }

    /** Signs in through the login page the way a person does, and waits for the landing page. */
    public static Page signIn(BrowserContext context, String startUrl, String username, String password) {
        // Fail in seconds, not Playwright's default 30 s: every page here is local.
        context.setDefaultTimeout(10_000);
        Page page = context.newPage();
        page.navigate(startUrl);
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        page.waitForLoadState();
        return page;
    }

    /** Kept under target/screenshots so a person can look at what the test saw. */
    public static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(Path.of("target/screenshots", name + ".png"))
                .setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
