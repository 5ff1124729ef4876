package org.instructforge.web.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A one-time link that lets a person choose their password: an invitation or a reset. Only the token's SHA-256
 * is stored; the link works once, until it expires, and only while no newer link has replaced it.
 */
@Entity
@Table(name = "account_link")
class AccountLink {

    enum Purpose {
        INVITATION,
        PASSWORD_RESET
    }

    /** Why a link cannot be used, in words for the person holding it. */
    enum State {
        USABLE,
        USED,
        REPLACED,
        EXPIRED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "user_id", nullable = false)
    private long userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Purpose purpose;

    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    @Column(name = "created_by", length = 64)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt = Instant.now();

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected AccountLink() {}

    AccountLink(long userId, Purpose purpose, String tokenHash, Instant expiresAt, String createdBy) {
        this.userId = userId;
        this.purpose = purpose;
        this.tokenHash = tokenHash;
        this.expiresAt = expiresAt;
        this.createdBy = createdBy;
    }

    State state(Instant now) {
        if (usedAt != null) return State.USED;
        if (revokedAt != null) return State.REPLACED;
        if (!now.isBefore(expiresAt)) return State.EXPIRED;
        return State.USABLE;
    }

    /** Spends the link; a link that is not usable any more stays as it is. */
    void use(Instant now) {
        if (state(now) != State.USABLE) {
            throw new IllegalStateException("This link cannot be used: " + state(now));
        }
        usedAt = now;
    }

    /** A newer link, or a password chosen another way, makes this one useless. */
    void revoke(Instant now) {
        if (usedAt == null && revokedAt == null) {
            revokedAt = now;
        }
    }

    Long getId() {
        return id;
    }

    long getUserId() {
        return userId;
    }

    Purpose getPurpose() {
        return purpose;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }
}
