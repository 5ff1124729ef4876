package org.instructforge.web.account;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.instructforge.shared.Role;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.team.Teams;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, inviting and changing accounts. Every change an admin makes is in the audit log, and no admin can
 * take the ADMIN role from themselves or disable themselves, so the platform always keeps an admin who can sign in.
 */
@Service
public class Accounts {

    /** Why a demo account was disabled ({@link #disableIfPasswordStill}); the one-time admin may take its name. */
    static final String DEMO_ACCOUNT_DISABLED =
            "a demo account with a published password, on a start without demo mode";

    /** The account AI-feedback (RLAIF) rankings are written under; it cannot sign in (V023). */
    public static final String AI_LABELER = "ai-labeler";

    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditTrail audit;
    private final SessionRegistry sessions;
    private final AccountLinks links;
    private final PasswordPolicy policy;
    private final Teams teams;
    private final ApplicationEventPublisher events;

    Accounts(
            AppUserRepository users,
            PasswordEncoder passwordEncoder,
            AuditTrail audit,
            SessionRegistry sessions,
            AccountLinks links,
            PasswordPolicy policy,
            Teams teams,
            ApplicationEventPublisher events) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.sessions = sessions;
        this.links = links;
        this.policy = policy;
        this.teams = teams;
        this.events = events;
    }

    /**
     * Creates an account without a password and issues its invitation link, the one way to set it.
     *
     * @throws InvalidPersonException for a taken user name or an unknown role
     */
    @Transactional
    public IssuedLink invite(NewPerson person, String actor) {
        Set<Role> roles = RoleNames.parse(person.roles());
        if (users.existsByUsername(person.username())) {
            throw new InvalidPersonException("username", "person.username.taken");
        }
        if (!Teams.nameProblems(person.teamNames()).isEmpty()) {
            throw new InvalidPersonException("teams", "person.teams.name");
        }
        AppUser user = users.saveAndFlush(
                AppUser.invited(person.username(), person.displayName().strip(), person.email(), roles));
        audit.record(
                actor,
                "account.created",
                "app_user",
                user.getId(),
                "username",
                user.getUsername(),
                "roles",
                roles.toString());
        teams.join(user.getId(), person.teamNames(), actor);
        return links.issue(user, AccountLink.Purpose.INVITATION, actor);
    }

    /** A new one-time link for the person to choose a new password; their earlier links stop working. */
    @Transactional
    public IssuedLink issuePasswordReset(long userId, String actor) {
        AppUser user = find(userId);
        refuseAiLabeler(user);
        return links.issue(user, AccountLink.Purpose.PASSWORD_RESET, actor);
    }

    /**
     * Replaces an account's roles. Its open browser sessions end, so the new roles apply at once.
     *
     * @throws InvalidPersonException when an admin would take the ADMIN role from themselves
     */
    @Transactional
    public Person changeRoles(long userId, java.util.Collection<String> roleNames, String actor) {
        Set<Role> roles = RoleNames.parse(roleNames);
        AppUser user = find(userId);
        refuseAiLabeler(user);
        if (user.getUsername().equals(actor) && !roles.contains(Role.ADMIN)) {
            throw new InvalidPersonException("roles", "person.roles.ownAdmin");
        }
        Set<Role> before = user.getRoles();
        if (before.equals(roles)) {
            return Person.of(user);
        }
        user.changeRoles(roles);
        audit.record(
                actor, "account.roles_changed", "app_user", userId, "from", before.toString(), "to", roles.toString());
        endSessionsOf(user.getUsername());
        return Person.of(user);
    }

    /**
     * A signed-in person changes their own password; the current one is asked so that a session left open on a
     * shared computer is not enough to take the account.
     *
     * @throws InvalidPersonException (fields {@code currentPassword}, {@code newPassword})
     */
    @Transactional
    public void changeOwnPassword(String username, String currentPassword, String newPassword) {
        AppUser user = users.findByUsername(username)
                .orElseThrow(() -> new IllegalStateException("No account named " + username));
        if (currentPassword == null
                || !user.hasPassword()
                || !passwordEncoder.matches(currentPassword, user.getPasswordHash())) {
            throw new InvalidPersonException("currentPassword", "password.current.wrong");
        }
        String problem = policy.problem(newPassword, username);
        if (problem != null) {
            throw new InvalidPersonException("newPassword", problem);
        }
        user.changePassword(passwordEncoder.encode(newPassword));
        links.revokeAll(user.getId(), java.time.Instant.now());
        audit.record(username, "account.password_changed", "app_user", user.getId());
    }

    @Transactional(readOnly = true)
    public Person person(long userId) {
        return Person.of(find(userId));
    }

    private static void refuseAiLabeler(AppUser user) {
        if (AI_LABELER.equals(user.getUsername())) {
            throw new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.CONFLICT, "The AI labeler is not a person and never signs in.");
        }
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

    /**
     * Disables the enabled accounts among these that still sign in with the given published password (the demo's:
     * a start without demo mode must not keep them), ending their sessions; each is audited. Their labels stay.
     *
     * @param publishedPasswords user name to the password anyone can read
     * @return the names disabled, in the order given
     */
    @Transactional
    public List<String> disableIfPasswordStill(Map<String, String> publishedPasswords) {
        List<String> disabled = new java.util.ArrayList<>();
        publishedPasswords.forEach((username, password) -> users.findByUsername(username)
                .filter(user -> user.isEnabled()
                        && user.hasPassword()
                        && passwordEncoder.matches(password, user.getPasswordHash()))
                .ifPresent(user -> {
                    user.changeAccess(false, DEMO_ACCOUNT_DISABLED);
                    audit.record(null, "account.demo_disabled", "app_user", user.getId(), "username", username);
                    endSessionsOf(username);
                    disabled.add(username);
                }));
        return disabled;
    }

    /**
     * The one-time admin takes over a name that a disabled demo account holds: a fresh password, the ADMIN role
     * only, enabled. The old demo password stops working with the new one.
     *
     * @return false when the name is held by any other account (which is left alone)
     */
    @Transactional
    public boolean takeOverDisabledDemoAccount(String username, String newPassword) {
        AppUser user = users.findByUsername(username).orElse(null);
        if (user == null || user.isEnabled() || !DEMO_ACCOUNT_DISABLED.equals(user.getDisabledReason())) {
            return false;
        }
        user.changePassword(passwordEncoder.encode(newPassword));
        user.changeRoles(Set.of(Role.ADMIN));
        user.changeAccess(true, null);
        links.revokeAll(user.getId(), java.time.Instant.now());
        audit.record(null, "account.initial_admin", "app_user", user.getId(), "took_over", "disabled demo account");
        return true;
    }

    @Transactional
    public void changeAccess(long userId, boolean enabled, String actor) {
        AppUser user = find(userId);
        refuseAiLabeler(user);
        if (!enabled && user.getUsername().equals(actor)) {
            throw new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.CONFLICT, "You cannot disable your own account.");
        }
        if (user.isEnabled() == enabled) {
            return; // nothing changes, nothing to audit
        }
        user.changeAccess(enabled, enabled ? null : "disabled by " + actor);
        audit.record(actor, enabled ? "account.enabled" : "account.disabled", "app_user", userId);
        if (!enabled) {
            endSessionsOf(user.getUsername());
            events.publishEvent(new AccountDisabled(userId));
        }
    }

    /**
     * The account's browser sessions end now, on every replica: they are found in PostgreSQL by the signed-in name
     * (Spring Session's principal-name index) and marked expired there, so the next request, whichever replica it
     * reaches, is signed out and sent to the sign-in page (SecurityConfiguration).
     */
    private void endSessionsOf(String username) {
        sessions.getAllSessions(username, false).forEach(SessionInformation::expireNow);
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
