package org.instructforge.web.account;

import java.util.List;
import java.util.Set;
import org.instructforge.shared.Role;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating and listing accounts. */
@Service
public class Accounts {

    /** The account AI-feedback (RLAIF) rankings are written under; it cannot sign in (V023). */
    public static final String AI_LABELER = "ai-labeler";

    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditTrail audit;
    private final SessionRegistry sessions;

    Accounts(AppUserRepository users, PasswordEncoder passwordEncoder, AuditTrail audit, SessionRegistry sessions) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.sessions = sessions;
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

    @Transactional
    public void changeAccess(long userId, boolean enabled, String actor) {
        AppUser user = find(userId);
        if (!enabled && user.getUsername().equals(actor)) {
            throw new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.CONFLICT, "You cannot disable your own account.");
        }
        user.changeAccess(enabled, enabled ? null : "disabled by " + actor);
        audit.record(actor, enabled ? "account.enabled" : "account.disabled", "app_user", userId);
        if (!enabled) {
            endSessionsOf(user.getUsername());
        }
    }

    /** The account's browser sessions end now: its next request goes to the sign-in page. */
    private void endSessionsOf(String username) {
        for (Object principal : sessions.getAllPrincipals()) {
            if (principal instanceof UserDetails details
                    && details.getUsername().equals(username)) {
                sessions.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
            }
        }
    }

    @Transactional
    public void excludeLabels(long userId, boolean excluded, String actor) {
        find(userId).excludeLabels(excluded);
        audit.record(actor, excluded ? "labels.excluded" : "labels.included", "app_user", userId);
    }

    private AppUser find(long userId) {
        return users.findById(userId)
                .orElseThrow(() -> new org.springframework.web.server.ResponseStatusException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "No account " + userId));
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
    /** Everyone who signs in; the AI labeler (the author of AI-feedback rankings, see V023) is not a person. */
    public List<Person> people() {
        return users.findAllByOrderByUsernameAsc().stream()
                .filter(user -> !AI_LABELER.equals(user.getUsername()))
                .map(Person::of)
                .toList();
    }
}
