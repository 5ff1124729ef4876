package org.instructforge.web.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Invitation and password-reset links. The token is 32 random bytes (256 bits, URL-safe Base64); only its SHA-256
 * is stored, so the link is shown once, to the admin who issued it. A plain hash suffices here (no bcrypt): the
 * token is random, not something a person chose, so there is nothing to guess from the hash.
 */
@Service
class AccountLinks {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the page behind a link shows: whose link it is and whether it still works. */
    record LinkView(AccountLink.State state, AccountLink.Purpose purpose, String username, String displayName) {}

    private final AccountLinkRepository links;
    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final PasswordPolicy policy;
    private final AccountProperties properties;
    private final AuditTrail audit;

    AccountLinks(
            AccountLinkRepository links,
            AppUserRepository users,
            PasswordEncoder passwordEncoder,
            PasswordPolicy policy,
            AccountProperties properties,
            AuditTrail audit) {
        this.links = links;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.policy = policy;
        this.properties = properties;
        this.audit = audit;
    }

    /** Issues a new link for the account; any earlier link of it that was not used stops working. */
    @Transactional
    IssuedLink issue(AppUser user, AccountLink.Purpose purpose, String actor) {
        Instant now = Instant.now();
        revokeAll(user.getId(), now);
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        AccountLink link = links.save(
                new AccountLink(user.getId(), purpose, hash(token), now.plus(properties.linkValidity()), actor));
        audit.record(
                actor,
                purpose == AccountLink.Purpose.INVITATION ? "account.invitation_issued" : "account.reset_link_issued",
                "app_user",
                user.getId(),
                "link",
                link.getId(),
                "expires_at",
                link.getExpiresAt().toString());
        String path = (purpose == AccountLink.Purpose.INVITATION ? "/invitations/" : "/password-resets/") + token;
        return new IssuedLink(user.getId(), user.getUsername(), purpose.name(), path, link.getExpiresAt());
    }

    /** What the link is, or empty for a token that was never issued. */
    @Transactional(readOnly = true)
    Optional<LinkView> view(String token) {
        return find(token)
                .flatMap(link -> users.findById(link.getUserId())
                        .map(user -> new LinkView(
                                link.state(Instant.now()),
                                link.getPurpose(),
                                user.getUsername(),
                                user.getDisplayName())));
    }

    /**
     * Sets the account's password through the link and spends it.
     *
     * @throws InvalidPersonException (field {@code password}) when the password breaks the policy
     * @throws IllegalStateException when the link is unknown or can no longer be used
     */
    @Transactional
    void choosePassword(String token, String password) {
        AccountLink link = find(token).orElseThrow(() -> new IllegalStateException("Unknown link"));
        AppUser user = users.findById(link.getUserId()).orElseThrow(() -> new IllegalStateException("No account"));
        Instant now = Instant.now();
        if (link.state(now) != AccountLink.State.USABLE) {
            throw new IllegalStateException("This link cannot be used: " + link.state(now));
        }
        String problem = policy.problem(password, user.getUsername());
        if (problem != null) {
            throw new InvalidPersonException("password", problem);
        }
        link.use(now);
        user.changePassword(passwordEncoder.encode(password));
        audit.record(
                user.getUsername(),
                "account.password_set",
                "app_user",
                user.getId(),
                "link",
                link.getId(),
                "purpose",
                link.getPurpose().name());
    }

    /** A password changed another way makes every open link of the account useless. */
    @Transactional
    void revokeAll(long userId, Instant now) {
        links.findByUserId(userId).forEach(link -> link.revoke(now));
    }

    private Optional<AccountLink> find(String token) {
        // A token of another shape was never issued: no need to ask the database.
        if (token == null || !token.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        return links.findByTokenHash(hash(token));
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
