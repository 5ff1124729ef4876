package org.instructforge.web.system;

import jakarta.servlet.http.HttpServletRequest;

/** Which requests are the JSON API's, whose errors are {@code {"error": ...}} bodies rather than pages. */
final class ApiRequests {

    private ApiRequests() {}

    static boolean isApi(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }
}
