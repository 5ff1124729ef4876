package org.instructforge.web.security;

import java.util.Set;
import java.util.stream.Collectors;
import org.instructforge.shared.Role;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** The signed-in user as templates see it: name and roles, for the menu. */
public record CurrentUser(String username, Set<Role> roles) {

    public static CurrentUser of(Authentication authentication) {
        Set<String> authorities = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet());
        Set<Role> roles = java.util.Arrays.stream(Role.values())
                .filter(role -> authorities.contains(role.authority()))
                .collect(Collectors.toUnmodifiableSet());
        return new CurrentUser(authentication.getName(), roles);
    }

    public boolean labeler() {
        return roles.contains(Role.LABELER);
    }

    public boolean admin() {
        return roles.contains(Role.ADMIN);
    }

    public boolean engineer() {
        return roles.contains(Role.ML_ENGINEER);
    }

    public boolean reviewer() {
        return roles.contains(Role.REVIEWER);
    }

    /** Where this user lands after signing in: their first role's home page. */
    public String homePath() {
        if (labeler()) return "/labeler";
        if (admin()) return "/admin";
        if (engineer()) return "/engineer";
        if (reviewer()) return "/review";
        return "/login?error";
    }
}
