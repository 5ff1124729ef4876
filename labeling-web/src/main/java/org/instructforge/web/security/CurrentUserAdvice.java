package org.instructforge.web.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts the signed-in user and their navigation into every page's model, so the shared layout can draw the menu. */
@ControllerAdvice
class CurrentUserAdvice {

    @ModelAttribute("currentUser")
    CurrentUser currentUser(Authentication authentication) {
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
            return null;
        }
        return CurrentUser.of(authentication);
    }

    @ModelAttribute("navigation")
    List<Navigation.Link> navigation(Authentication authentication, HttpServletRequest request) {
        CurrentUser user = currentUser(authentication);
        if (user == null) {
            return List.of();
        }
        return Navigation.linksFor(
                user, request.getRequestURI().substring(request.getContextPath().length()));
    }
}
