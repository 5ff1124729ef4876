package org.instructforge.web.account;

import java.util.List;
import java.util.Set;
import org.instructforge.shared.Role;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating and listing accounts. */
@Service
public class Accounts {

    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditTrail audit;

    Accounts(AppUserRepository users, PasswordEncoder passwordEncoder, AuditTrail audit) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
    }

    /** Creates an account; {@code createdBy} is the acting username for the audit log (null: the system). */
    @Transactional
    public Person create(String username, String displayName, String rawPassword, Set<Role> roles, String createdBy) {
        if (users.existsByUsername(username)) {
            throw new IllegalArgumentException("The username '" + username + "' is taken");
        }
        AppUser user = users.save(new AppUser(username, displayName, passwordEncoder.encode(rawPassword), roles));
        audit.record(createdBy, "account.created", "app_user", user.getId(), "roles", roles.toString());
        return Person.of(user);
    }

    @Transactional(readOnly = true)
    public boolean exists(String username) {
        return users.existsByUsername(username);
    }

    @Transactional(readOnly = true)
    public boolean anyEnabledAdmin() {
        return users.existsEnabledWithRole(Role.ADMIN);
    }

    @Transactional(readOnly = true)
    public List<Person> people() {
        return users.findAllByOrderByUsernameAsc().stream().map(Person::of).toList();
    }
}
