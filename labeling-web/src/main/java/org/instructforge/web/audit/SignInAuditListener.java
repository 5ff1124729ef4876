package org.instructforge.web.audit;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Audits browser sign-ins and every failed attempt. Successful API calls are not logged one by one:
 * HTTP Basic authenticates each request, which would drown the log.
 */
@Component
class SignInAuditListener {

    private final AuditTrail audit;

    SignInAuditListener(AuditTrail audit) {
        this.audit = audit;
    }

    @EventListener
    void onSignIn(InteractiveAuthenticationSuccessEvent event) {
        audit.record(event.getAuthentication().getName(), "auth.sign_in", null, null);
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        audit.record(
                null,
                "auth.failure",
                "username",
                truncate(String.valueOf(event.getAuthentication().getPrincipal())),
                "reason",
                event.getException().getClass().getSimpleName());
    }

    private static String truncate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64);
    }
}
