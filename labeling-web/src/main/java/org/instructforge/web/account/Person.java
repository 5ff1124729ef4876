package org.instructforge.web.account;

import java.time.Instant;
import java.util.Set;
import org.instructforge.shared.Role;

/** What other features may know about an account: never its password hash. */
public record Person(
        long id,
        String username,
        String displayName,
        String email,
        Set<Role> roles,
        boolean enabled,
        boolean labelsExcluded,
        Instant createdAt,
        boolean hasPassword) {

    static Person of(AppUser user) {
        return new Person(
                user.getId(),
                user.getUsername(),
                user.getDisplayName(),
                user.getEmail(),
                user.getRoles(),
                user.isEnabled(),
                user.isLabelsExcluded(),
                user.getCreatedAt(),
                user.hasPassword());
    }
}
