package org.instructforge.web.account;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.instructforge.shared.Role;

/** A person who signs in. Passwords are only ever stored hashed. */
@Entity
@Table(name = "app_user")
class AppUser {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 64)
    private String username;

    @Column(name = "display_name", nullable = false, length = 128)
    private String displayName;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(nullable = false)
    private boolean enabled = true;

    @Column(name = "labels_excluded", nullable = false)
    private boolean labelsExcluded;

    @Column(length = 254)
    private String email;

    @Column(name = "disabled_reason")
    private String disabledReason;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "app_user_role", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "role", nullable = false, length = 16)
    @Enumerated(EnumType.STRING)
    private Set<Role> roles = EnumSet.noneOf(Role.class);

    protected AppUser() {}

    AppUser(String username, String displayName, String passwordHash, Set<Role> roles) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("An account needs at least one role");
        }
        this.username = username;
        this.displayName = displayName;
        this.passwordHash = passwordHash;
        this.roles = EnumSet.copyOf(roles);
    }

    /**
     * Marks a password hash that matches nothing: an invited person until they choose a password through their
     * link, and the {@code ai-labeler} account (V023), which never signs in. It is not in the
     * {@code {id}hash} form of Spring's DelegatingPasswordEncoder, so no password can ever match it.
     */
    static final String NO_PASSWORD = "!no-password";

    /** A person invited by an admin: no password until they choose one through their invitation link. */
    static AppUser invited(String username, String displayName, String email, Set<Role> roles) {
        AppUser user = new AppUser(username, displayName, NO_PASSWORD, roles);
        user.email = email == null || email.isBlank() ? null : email.strip();
        return user;
    }

    /** Whether any password can sign this account in (false for an invitation not yet used, and the AI labeler). */
    boolean hasPassword() {
        return passwordHash != null && passwordHash.startsWith("{");
    }

    void changePassword(String encodedHash) {
        if (encodedHash == null || !encodedHash.startsWith("{")) {
            throw new IllegalArgumentException("A password is stored only as an encoder-tagged hash");
        }
        this.passwordHash = encodedHash;
    }

    void changeRoles(Set<Role> newRoles) {
        if (newRoles.isEmpty()) {
            throw new IllegalArgumentException("An account needs at least one role");
        }
        this.roles = EnumSet.copyOf(newRoles);
    }

    /** Disabled people cannot sign in; their labels stay unless excluded separately. */
    void changeAccess(boolean enabled, String reason) {
        this.enabled = enabled;
        this.disabledReason = enabled ? null : reason;
    }

    /** Excluded labels stay stored (every ranking is kept) but leave exports, training data and agreement. */
    void excludeLabels(boolean excluded) {
        this.labelsExcluded = excluded;
    }

    Long getId() {
        return id;
    }

    String getUsername() {
        return username;
    }

    String getDisplayName() {
        return displayName;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    boolean isEnabled() {
        return enabled;
    }

    boolean isLabelsExcluded() {
        return labelsExcluded;
    }

    Set<Role> getRoles() {
        return Set.copyOf(roles);
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    String getEmail() {
        return email;
    }

    String getDisabledReason() {
        return disabledReason;
    }
}
