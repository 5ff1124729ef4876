package org.instructforge.web.account;

import java.util.UUID;
import org.instructforge.web.security.SignInThrottle;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Checks a user name and password from the {@code app_user} table, for the sign-in form and HTTP Basic alike
 * (Spring Boot builds the one authentication manager both use from this provider).
 *
 * <p>Every attempt costs one bcrypt comparison whatever the outcome: a name without an account, an account with no
 * password (an unused invitation, the {@code ai-labeler}) and a throttled name are compared against a dummy hash,
 * so the time an answer takes does not tell which names exist. Accounts without a password fail like a wrong
 * password instead of handing their placeholder to the encoder (which threw, and gave a 500, for the AI labeler).
 */
@Component
class PasswordSignIn implements AuthenticationProvider {

    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final SignInThrottle throttle;
    /** A bcrypt hash of a random string, encoded like real ones so that comparing against it costs the same. */
    private final String dummyHash;

    PasswordSignIn(AppUserRepository users, PasswordEncoder passwordEncoder, SignInThrottle throttle) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
        this.dummyHash = passwordEncoder.encode(UUID.randomUUID().toString());
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String username = authentication.getName();
        String password = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString();
        SignInThrottle.Status status = throttle.status(username, clientAddress(authentication));
        if (status.locked()) {
            passwordEncoder.matches(password, dummyHash);
            throw new LockedException("Too many failed sign-ins for this name or from this address: try again later");
        }
        AppUser user = users.findByUsername(username).orElse(null);
        boolean matches;
        if (user == null || !user.hasPassword()) {
            passwordEncoder.matches(password, dummyHash);
            matches = false;
        } else {
            matches = passwordEncoder.matches(password, user.getPasswordHash());
        }
        if (!matches) {
            throttle.recordFailure(username, clientAddress(authentication));
            throw new BadCredentialsException("Wrong user name or password");
        }
        if (!user.isEnabled()) {
            throw new DisabledException("The account is disabled");
        }
        if (status.failures() > 0) {
            throttle.clear(username);
        }
        UserDetails details = User.withUsername(user.getUsername())
                .password(user.getPasswordHash())
                .authorities(user.getRoles().stream().map(r -> r.authority()).toArray(String[]::new))
                .build();
        UsernamePasswordAuthenticationToken result =
                UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities());
        result.setDetails(authentication.getDetails());
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static String clientAddress(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null;
    }
}
