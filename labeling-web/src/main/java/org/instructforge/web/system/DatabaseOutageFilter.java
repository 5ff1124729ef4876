package org.instructforge.web.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;
import tools.jackson.databind.json.JsonMapper;

/**
 * While the database is out of reach, every request gets a clear 503 instead of a 500 with a stack trace: the API a
 * JSON error with {@code Retry-After}, pages a "try again" page that holds what the person had just sent, so a
 * labeler's answer submitted during a database restart is one click from being sent again. First in the chain, so it
 * also covers what the session store and sign-in read from the database before any controller runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DatabaseOutageFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutageFilter.class);

    /** What a client should wait before trying again: about what a PostgreSQL restart or fail-over takes. */
    static final int RETRY_AFTER_SECONDS = 5;

    static final String MESSAGE =
            "The database is not reachable at the moment; nothing was saved. Try again in a few" + " seconds.";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ITemplateEngine templates;

    public DatabaseOutageFilter(ITemplateEngine templates) {
        this.templates = templates;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!DatabaseOutage.causedBy(e) || response.isCommitted()) {
                throw e;
            }
            log.warn(
                    "{} {}: the database is out of reach ({})",
                    request.getMethod(),
                    request.getRequestURI(),
                    e.toString());
            unavailable(request, response);
        }
    }

    private void unavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.reset();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (wantsJson(request)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getWriter().write(JSON.writeValueAsString(Map.of("error", MESSAGE)));
            return;
        }
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        // A web context, so that the page's links resolve against this application's path.
        WebContext page = new WebContext(
                JakartaServletWebApplication.buildApplication(request.getServletContext())
                        .buildExchange(request, response),
                Locale.ENGLISH);
        page.setVariable("message", MESSAGE);
        page.setVariable("retryAfter", RETRY_AFTER_SECONDS);
        page.setVariable("method", request.getMethod());
        page.setVariable("action", request.getRequestURI());
        page.setVariable("fields", resendable(request));
        templates.process("unavailable", page, response.getWriter());
    }

    private static boolean wantsJson(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return ApiRequests.isApi(request)
                || (accept != null
                        && accept.contains(MediaType.APPLICATION_JSON_VALUE)
                        && !accept.contains("text/html"));
    }

    /** A field a person wrote (an answer, a comment), shown to them again; the rest travels hidden. */
    private static boolean shownAsText(String name, String value) {
        return !name.startsWith("_") && (name.equals("text") || value.length() > 60 || value.contains("\n"));
    }

    /** A form field the "try again" page sends again. */
    public record Field(String name, String value, boolean shown) {}

    /**
     * The fields of a posted form, to send again from the "try again" page. Empty for a form with a password (never
     * written into a page) and for anything but a URL-encoded POST (a file upload cannot be repeated from a page).
     */
    static List<Field> resendable(HttpServletRequest request) {
        List<Field> fields = new ArrayList<>();
        String type = request.getContentType();
        if (!"POST".equals(request.getMethod())
                || type == null
                || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            return fields;
        }
        if (request.getParameterMap().keySet().stream()
                .anyMatch(name -> name.toLowerCase(Locale.ROOT).contains("password"))) {
            return fields; // a form without its password could not succeed when sent again
        }
        request.getParameterMap().forEach((name, values) -> {
            for (String value : values) {
                fields.add(new Field(name, value, shownAsText(name, value)));
            }
        });
        return fields;
    }
}
