package org.instructforge.web.system;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The only paths that are files: the app's stylesheets and scripts, the webjars (Pico, Chart.js, SortableJS) and the
 * favicon.
 * Boot's default maps {@code /**} to the static folders, and then every link a page renders ({@code @{/labeler/...}},
 * form actions with ids) went through the resource chain, which looks the path up in every jar and caches only
 * what it finds: a third of a labeler page's CPU under load (see the queue benchmark in the README). Boot's own
 * mappings are off ({@code spring.web.resources.add-mappings: false}).
 */
@Configuration(proxyBeanMethods = false)
class StaticResources implements WebMvcConfigurer {

    /** Assets are small and change only with a release; a browser re-validates them after this long. */
    private static final CacheControl ASSET_CACHE = CacheControl.maxAge(Duration.ofHours(1));

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        serve(registry, "/css/**", "classpath:/static/css/");
        serve(registry, "/js/**", "classpath:/static/js/");
        // The chain adds the webjars resolver, so /webjars/chart.js/dist/... needs no version in the URL.
        serve(registry, "/webjars/**", "classpath:/META-INF/resources/webjars/");
        // Browsers ask for /favicon.ico on every page; without it each page logged a 404.
        serve(registry, "/favicon.*", "classpath:/static/");
    }

    private static void serve(ResourceHandlerRegistry registry, String path, String location) {
        registry.addResourceHandler(path)
                .addResourceLocations(location)
                .setCacheControl(ASSET_CACHE)
                .resourceChain(true);
    }
}
