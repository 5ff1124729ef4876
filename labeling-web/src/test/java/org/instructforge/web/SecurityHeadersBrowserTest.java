package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every page each role can reach by following links from its home (each kind of page once: ids collapsed) passes
 * the Content-Security-Policy: Chromium reports no violation (no inline script or style ran or was blocked), and
 * every page carries the policy and the Referrer-Policy; the session cookie is SameSite=Lax. A control injects an
 * inline script to show that a violation would be caught.
 */
class SecurityHeadersBrowserTest extends BrowserTest {

    private static final int MAX_PAGES = 60;

    /** Reports each CSP violation on the console, where the test collects it. */
    private static final String REPORT_VIOLATIONS = "document.addEventListener('securitypolicyviolation', e =>"
            + " console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));";

    @Test
    void everyPageOfEveryRolePassesTheContentSecurityPolicy() {
        for (String[] account :
                new String[][] {{"labeler", "labeler-demo"}, {"admin", "admin-demo"}, {"engineer", "engineer-demo"}}) {
            try (BrowserContext context = chromium.browser.newContext()) {
                List<String> violations = new ArrayList<>();
                context.addInitScript(REPORT_VIOLATIONS);
                context.onConsoleMessage(message -> {
                    if (message.text().contains("CSP violation")
                            || message.text().contains("Content Security Policy")) {
                        violations.add(message.page().url() + ": " + message.text());
                    }
                });
                Page home = signIn(context, "/", account[0], account[1]);
                List<String> visited = crawl(home);

                assertThat(visited).as("pages of " + account[0]).hasSizeGreaterThan(2);
                assertThat(violations)
                        .as("CSP violations on the pages of " + account[0])
                        .isEmpty();
                assertThat(context.cookies())
                        .filteredOn(cookie -> cookie.name.equals("SESSION"))
                        .extracting((Cookie cookie) -> cookie.sameSite)
                        .containsOnly(SameSiteAttribute.LAX);

                // The control: an inline script is refused and reported, so a page that had one would fail above.
                home.navigate(url("/account"));
                home.evaluate("() => { const s = document.createElement('script');"
                        + " s.textContent = 'window.injected = true'; document.body.appendChild(s); }");
                home.waitForTimeout(200);
                assertThat(home.evaluate("() => window.injected === true")).isEqualTo(false);
                assertThat(violations).anyMatch(v -> v.contains("script-src"));
            }
        }
    }

    @Test
    void theSignInAndOneTimeLinkPagesCarryThePolicyToo() {
        try (BrowserContext context = chromium.browser.newContext()) {
            List<String> violations = new ArrayList<>();
            context.addInitScript(REPORT_VIOLATIONS);
            context.onConsoleMessage(message -> {
                if (message.text().contains("CSP violation")) violations.add(message.text());
            });
            Page page = context.newPage();
            for (String path : List.of("/login", "/login?error", "/invitations/not-a-token")) {
                checkHeaders(page.navigate(url(path)), path);
            }
            assertThat(violations).isEmpty();
        }
    }

    /** Follows same-origin links breadth-first, one page per path shape; the paths visited. */
    private List<String> crawl(Page page) {
        Deque<String> queue = new ArrayDeque<>(List.of(page.url()));
        Set<String> shapes = new HashSet<>();
        List<String> visited = new ArrayList<>();
        while (!queue.isEmpty() && visited.size() < MAX_PAGES) {
            String next = queue.poll();
            URI uri = URI.create(next);
            if (!shapes.add(shape(uri))) continue;
            Response response = page.navigate(next);
            page.waitForLoadState();
            checkHeaders(response, next);
            visited.add(uri.getPath());
            @SuppressWarnings("unchecked")
            List<String> links =
                    (List<String>) page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)");
            for (String link : links) {
                URI target = URI.create(link.replace(" ", "%20"));
                if (link.startsWith(url("/"))
                        && !target.getPath().startsWith("/logout")
                        && !target.getPath().startsWith("/api/")
                        && !target.getPath().contains("/export")
                        && !shapes.contains(shape(target))) {
                    queue.add(link.split("#")[0]);
                }
            }
        }
        return visited;
    }

    /** The path with every number as {id}: one page of each kind is enough. */
    private static String shape(URI uri) {
        return uri.getPath().replaceAll("/\\d+", "/{id}");
    }

    private static void checkHeaders(Response response, String path) {
        assertThat(response).as(path).isNotNull();
        assertThat(response.headers()).as("headers of " + path).containsKey("content-security-policy");
        assertThat(response.headers().get("content-security-policy"))
                .contains("script-src 'self'")
                .contains("style-src 'self'")
                .doesNotContain("unsafe-inline");
        assertThat(response.headers().get("referrer-policy")).as(path).isEqualTo("same-origin");
    }
}
