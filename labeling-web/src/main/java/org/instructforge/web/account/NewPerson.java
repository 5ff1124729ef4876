package org.instructforge.web.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * An account an admin creates, bound from the form and the API alike. Roles come as names and are checked by
 * {@link RoleNames}, so an unknown one is reported beside the field instead of failing the whole request.
 * Teams are given by name ({@link org.instructforge.web.team.Teams#join}). Control characters (NUL above all, which
 * PostgreSQL refuses in text) are refused in every field.
 */
public record NewPerson(
        @NotBlank(message = "{person.username.required}")
        @Pattern(regexp = "^[a-z0-9][a-z0-9._-]{1,63}$", message = "{person.username.format}")
        String username,

        @NotBlank(message = "{person.displayName.required}")
        @Size(max = 128, message = "{person.displayName.size}")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "{text.control}")
        String displayName,

        @Size(max = 254, message = "{person.email.size}")
        @Email(message = "{person.email.format}")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "{text.control}")
        String email,

        @NotEmpty(message = "{person.roles.required}") List<String> roles,

        /** Teams to put the person into (optional); names of teams that do not exist yet create them. */
        List<String> teams) {

    public static NewPerson empty() {
        return new NewPerson("", "", "", List.of("LABELER"), List.of());
    }

    /** The team names, none when the field was left out. */
    public List<String> teamNames() {
        return teams == null
                ? List.of()
                : teams.stream().filter(t -> t != null && !t.isBlank()).toList();
    }
}
