package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.demonstration.DemonstrationWork;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.QueueFixtures;
import org.instructforge.web.labeling.TaskKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * No page is wider than the window: every page of every role, at a laptop's 1280 px and a phone's 390 px, has no
 * horizontal overflow ({@code document.documentElement.scrollWidth} at most the window's width). Wide tables scroll
 * inside their own box instead. The data is made long on purpose: a long user name, a prompt without spaces.
 */
class PageWidthBrowserTest extends BrowserTest {

    private static final String PASSWORD = "page-width-password";
    private static final int[] WIDTHS = {1280, 390};

    @Autowired
    DemonstrationWork demonstrations;

    @Test
    void noPageOfAnyRoleIsWiderThanTheWindow() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long dataset = datasets.create(ImportFixtures.allTrain("width", 1, "0", 100), "tester");
        String unbroken = "Summarise_" + "this_very_long_identifier_".repeat(12) + tag;
        ImportFixtures.importLines(
                importer,
                dataset,
                false,
                List.of(
                        ImportFixtures.line("Describe autumn in two sentences " + tag, "u1"),
                        ImportFixtures.line(unbroken, "u2")));
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d ORDER BY id LIMIT 1")
                .param("d", dataset)
                .query(Long.class)
                .single();
        String labeler = person("labeler-with-a-rather-long-user-name-" + tag, Role.LABELER);
        Lease submitted = QueueFixtures.claim(queue, labeler, TaskKind.DEMONSTRATION, prompt);
        demonstrations.submit(submitted.id(), labeler, "Leaves turn and fall. " + unbroken);
        long demonstration = jdbc.sql("SELECT id FROM demonstration WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
        Lease open = queue.claimNext(labeler, TaskKind.DEMONSTRATION).orElseThrow();
        long person = jdbc.sql("SELECT id FROM app_user WHERE username = :u")
                .param("u", labeler)
                .query(Long.class)
                .single();

        Map<Role, List<String>> pages = Map.of(
                Role.LABELER,
                List.of(
                        "/labeler",
                        "/labeler/tasks",
                        "/labeler/history",
                        "/labeler/reviews",
                        "/labeler/demonstrations/" + open.id(),
                        "/account"),
                Role.REVIEWER,
                List.of("/review", "/review/demonstrations/" + demonstration),
                Role.ADMIN,
                List.of(
                        "/admin",
                        "/admin/datasets/new",
                        "/admin/datasets/" + dataset,
                        "/admin/datasets/" + dataset + "/edit",
                        "/admin/datasets/" + dataset + "/prompts",
                        "/admin/datasets/" + dataset + "/imports",
                        "/admin/people",
                        "/admin/people/new",
                        "/admin/people/import",
                        "/admin/people/" + person,
                        "/admin/teams",
                        "/admin/pii",
                        "/admin/quality",
                        "/admin/audit"),
                Role.ML_ENGINEER,
                List.of(
                        "/engineer",
                        "/engineer/runs/new",
                        "/engineer/checkpoints",
                        "/engineer/rounds/demonstrations",
                        "/engineer/evaluations"));

        List<String> overflowing = new ArrayList<>();
        for (Map.Entry<Role, List<String>> role : pages.entrySet()) {
            String account = person(role.getKey().name().toLowerCase() + "-" + tag, role.getKey());
            for (int width : WIDTHS) {
                try (BrowserContext context =
                        chromium.browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 900))) {
                    Page page = signIn(context, "/", account, PASSWORD);
                    for (String path : role.getValue()) {
                        page.navigate(url(path));
                        assertThat(page.locator("main").count()).as(path).isPositive();
                        Number scrollWidth = (Number) page.evaluate("() => document.documentElement.scrollWidth");
                        Number window = (Number) page.evaluate("() => document.documentElement.clientWidth");
                        if (scrollWidth.intValue() > window.intValue()) {
                            overflowing.add(path + " at " + width + " px is " + scrollWidth + " px wide");
                            BrowserSupport.screenshot(page, "overflow-" + width + path.replace('/', '_'));
                        }
                    }
                }
            }
        }
        assertThat(overflowing).isEmpty();
    }

    private String person(String name, Role role) {
        accounts.create(name, name, PASSWORD, Set.of(role), null);
        return name;
    }
}
