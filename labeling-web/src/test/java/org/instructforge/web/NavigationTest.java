package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** One navigation bar per role, the page being shown marked with aria-current, one group per role held. */
@SpringBootTest
@AutoConfigureMockMvc
class NavigationTest {

    private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]+)\"([^>]*)>([^<]+)</a>");

    @Autowired
    MockMvc mvc;

    @Test
    void eachRoleHasItsOwnLinksWithTheCurrentPageMarked() throws Exception {
        assertThat(nav("/labeler", "LABELER"))
                .containsExactly("Tasks /labeler current", "My tasks /labeler/tasks", "History /labeler/history");
        assertThat(nav("/review", "REVIEWER")).containsExactly("Review /review current");
        assertThat(nav("/admin/quality", "ADMIN"))
                .containsExactly(
                        "Datasets /admin",
                        "People /admin/people",
                        "PII review /admin/pii",
                        "Quality /admin/quality current",
                        "Audit /admin/audit");
        assertThat(nav("/admin/datasets/new", "ADMIN")).contains("Datasets /admin current");
        assertThat(nav("/engineer/checkpoints", "ML_ENGINEER"))
                .containsExactly(
                        "Runs /engineer",
                        "Checkpoints /engineer/checkpoints current",
                        "Rounds /engineer/rounds/demonstrations",
                        "Evaluations /engineer/evaluations");
        // An account with two roles sees both groups, in one bar.
        assertThat(nav("/labeler/reviews", "LABELER", "REVIEWER"))
                .containsExactly(
                        "Tasks /labeler current",
                        "My tasks /labeler/tasks",
                        "History /labeler/history",
                        "Review /review");
    }

    /** The bar's links as "label href [current]", read from the page's main navigation. */
    private List<String> nav(String path, String... roles) throws Exception {
        String html = mvc.perform(get(path).with(user("nav-user").roles(roles)))
                .andReturn()
                .getResponse()
                .getContentAsString();
        String bar = html.substring(html.indexOf("aria-label=\"Main\""), html.indexOf("class=\"who\""));
        Matcher m = LINK.matcher(bar);
        List<String> links = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals("/")) {
                continue;
            }
            links.add(m.group(3).strip() + " " + m.group(1)
                    + (m.group(2).contains("aria-current=\"page\"") ? " current" : ""));
        }
        return links;
    }
}
