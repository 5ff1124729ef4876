package org.instructforge.web.system;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** The app's assets and the webjars are served (to anyone, cacheable); nothing else is a file. */
@SpringBootTest
@AutoConfigureMockMvc
class StaticResourcesTest {

    @Autowired
    MockMvc mvc;

    @Test
    void servesTheAppsAssetsWithACacheLifetime() throws Exception {
        mvc.perform(get("/css/app.css"))
                .andExpect(status().isOk())
                .andExpect(header().string("Cache-Control", containsString("max-age=3600")));
        mvc.perform(get("/js/demonstration.js")).andExpect(status().isOk());
    }

    @Test
    void servesWebjarsWithoutTheirVersionInTheUrl() throws Exception {
        mvc.perform(get("/webjars/chart.js/dist/chart.umd.min.js")).andExpect(status().isOk());
        mvc.perform(get("/webjars/picocss__pico/css/pico.min.css")).andExpect(status().isOk());
        mvc.perform(get("/webjars/sortablejs/Sortable.min.js")).andExpect(status().isOk());
    }

    @Test
    void pagesLinkTheAppsAssetsAndVersionedWebjars() throws Exception {
        // The webjar's version in the link changes with an upgrade, so a cached copy is never stale.
        mvc.perform(get("/login"))
                .andExpect(status().isOk())
                .andExpect(content()
                        .string(matchesPattern("(?s).*href=\"/webjars/picocss__pico/[0-9.]+/css/pico.min.css\".*")))
                .andExpect(content().string(containsString("href=\"/css/app.css\"")));
    }

    /** Browsers ask for it on every page, signed in or not; it used to log a 404 each time. */
    @Test
    void servesTheFaviconToAnyone() throws Exception {
        mvc.perform(get("/favicon.ico"))
                .andExpect(status().isOk())
                .andExpect(content()
                        .bytes(getClass()
                                .getResourceAsStream("/static/favicon.ico")
                                .readAllBytes()));
    }

    @Test
    void filesOutsideTheAssetFoldersAreNotServed() throws Exception {
        mvc.perform(get("/application.yml").with(user("reader").roles("LABELER")))
                .andExpect(status().isNotFound());
        mvc.perform(get("/static/css/app.css").with(user("reader").roles("LABELER")))
                .andExpect(status().isNotFound());
    }
}
