package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Content-Security-Policy allows no inline code (SecurityConfiguration): no template may hold an inline
 * {@code <script>}, a {@code <style>} element, a {@code style} attribute or an {@code on...} event handler, including
 * pages the browser test (SecurityHeadersBrowserTest) cannot reach without fixtures.
 */
class NoInlineCodeTest {

    private static final Pattern INLINE_SCRIPT =
            Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern STYLE =
            Pattern.compile("<style\\b|\\s(th:)?style=|\\son[a-z]+=", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

    @Test
    void noTemplateHoldsInlineScriptsStylesOrEventHandlers() throws IOException {
        List<Path> templates;
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            templates = files.filter(p -> p.toString().endsWith(".html")).toList();
        }
        assertThat(templates).hasSizeGreaterThan(20);
        for (Path template : templates) {
            String html = COMMENT.matcher(Files.readString(template)).replaceAll("");
            assertThat(INLINE_SCRIPT.matcher(html).find())
                    .as("inline script in " + template)
                    .isFalse();
            assertThat(STYLE.matcher(html).find())
                    .as("inline style or handler in " + template)
                    .isFalse();
        }
    }
}
