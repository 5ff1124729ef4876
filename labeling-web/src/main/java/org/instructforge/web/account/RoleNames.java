package org.instructforge.web.account;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.instructforge.shared.Role;

/** Role names as people type them: any case, and {@code ENGINEER} for {@link Role#ML_ENGINEER}. */
final class RoleNames {

    private RoleNames() {}

    /** @throws InvalidPersonException (field {@code roles}) for an empty list or an unknown name */
    static Set<Role> parse(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            throw new InvalidPersonException("roles", "person.roles.required");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            Role role = parseOne(name);
            if (role == null) {
                throw new InvalidPersonException("roles", "person.roles.unknown");
            }
            roles.add(role);
        }
        return roles;
    }

    static Role parseOne(String name) {
        if (name == null) {
            return null;
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("ENGINEER")) {
            return Role.ML_ENGINEER;
        }
        for (Role role : Role.values()) {
            if (role.name().equals(upper)) {
                return role;
            }
        }
        return null;
    }
}
