package org.instructforge.web.security;

import java.util.Map;
import org.instructforge.web.system.DatabaseOutage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.annotation.web.configurers.SessionManagementConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.ExceptionMappingAuthenticationFailureHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;

/**
 * Who may reach what. Each role owns one URL space for pages ({@code /labeler}, {@code /admin},
 * {@code /engineer}) and the same under {@code /api}; everything else needs a signed-in user, and an
 * anonymous visitor reaches only the login page, the one-time invitation and password-reset links, and the health
 * probe that containers poll. Both chains sign in through the one {@code PasswordSignIn} provider, throttled per
 * name by {@link SignInThrottle}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /**
     * The JSON API for scripts and the command line: HTTP Basic, no session. CSRF protection is off here
     * because no cookie authenticates these requests, so a forged cross-site request carries nothing.
     */
    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(rules -> roleRules(rules, "/api"))
                .httpBasic(basic -> basic.authenticationEntryPoint(outageAware(new BasicAuthenticationEntryPoint())))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .headers(SecurityConfiguration::securityHeaders)
                .build();
    }

    /**
     * The API's OpenAPI description and Swagger UI, for signed-in engineers and admins (the browser session; the
     * sign-in page for anonymous visitors). Its own chain only because Swagger UI sets styles inline: the CSP is
     * relaxed to {@code style-src 'unsafe-inline'} on these paths alone, scripts stay files from this origin.
     */
    @Bean
    @Order(2)
    SecurityFilterChain apiDocsSecurity(HttpSecurity http, SessionRegistry sessions) throws Exception {
        return http.securityMatcher("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                .authorizeHttpRequests(rules -> rules.anyRequest().hasAnyRole("ADMIN", "ML_ENGINEER"))
                .sessionManagement(session -> endedSessionsEnd(session, sessions))
                .exceptionHandling(
                        denied -> denied.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(SWAGGER_UI_POLICY))
                        .referrerPolicy(
                                referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .build();
    }

    /** The browser app: form login, session, CSRF tokens on every form. */
    @Bean
    @Order(3)
    SecurityFilterChain webSecurity(HttpSecurity http, SessionRegistry sessions) throws Exception {
        return http.authorizeHttpRequests(rules -> {
                    rules.requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/error")
                            .permitAll();
                    rules.requestMatchers("/actuator/health", "/actuator/health/**")
                            .permitAll();
                    // One-time links: the token in the path is the credential (AccountLinks).
                    rules.requestMatchers("/invitations/*", "/password-resets/*")
                            .permitAll();
                    rules.requestMatchers("/actuator/**").hasAnyRole("ADMIN", "ML_ENGINEER");
                    roleRules(rules, "");
                })
                .formLogin(form -> form.loginPage("/login")
                        .defaultSuccessUrl("/", true)
                        .failureHandler(signInFailure())
                        .permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                .sessionManagement(session -> endedSessionsEnd(session, sessions))
                .headers(SecurityConfiguration::securityHeaders)
                .build();
    }

    /**
     * Scripts, styles, images, fonts and connections from this origin only, and nothing inline: every page's script
     * is a file under /js and every style a file under /css, so an injected {@code <script>} or {@code style}
     * attribute (the XSS tests' placements) would not run even if escaping failed. {@code data:} images are for the
     * stylesheet's icons (Pico's inline SVGs). No frames of or around our pages, forms post to this origin only.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /** {@link #CONTENT_SECURITY_POLICY} with inline styles allowed, for Swagger UI's pages only. */
    static final String SWAGGER_UI_POLICY =
            CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

    /**
     * The Content-Security-Policy above, and no Referer beyond this origin: one-time links carry their token in the
     * path, and a link followed from such a page must not hand it to another site. The session cookie is
     * {@code SameSite=Lax} (application.yml).
     */
    private static void securityHeaders(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN));
    }

    /** A throttled name is told so (SignInThrottle); every other failure reads the same, whatever its cause. */
    private static AuthenticationFailureHandler signInFailure() {
        ExceptionMappingAuthenticationFailureHandler handler = new ExceptionMappingAuthenticationFailureHandler();
        handler.setExceptionMappings(Map.of(LockedException.class.getName(), "/login?locked"));
        handler.setDefaultFailureUrl("/login?error");
        // A sign-in that failed because the accounts could not be read is no wrong password: "try again" (503).
        return (request, response, failure) -> {
            DatabaseOutage.passOn(failure);
            handler.onAuthenticationFailure(request, response, failure);
        };
    }

    /** HTTP Basic's 401 for wrong credentials; while the accounts cannot be read, the outage's 503 instead. */
    private static AuthenticationEntryPoint outageAware(BasicAuthenticationEntryPoint basic) {
        basic.setRealmName("Realm"); // Spring Security's default realm, as before
        return (request, response, failure) -> {
            DatabaseOutage.passOn(failure);
            basic.commence(request, response, failure);
        };
    }

    /**
     * Every request of a browser session first asks the registry whether the session was ended (an account disabled
     * or its roles changed: Accounts), and if so signs it out and sends it to {@code /login?ended}.
     */
    private static void endedSessionsEnd(SessionManagementConfigurer<HttpSecurity> session, SessionRegistry sessions) {
        session.maximumSessions(-1).sessionRegistry(sessions).expiredUrl("/login?ended");
    }

    /**
     * The browser sessions themselves live in PostgreSQL (Spring Session JDBC, tables of V058), not in the servlet
     * container's memory, so every labeling-web replica serves every session and a replica can stop without signing
     * anyone out. The registry reads them through the table's principal-name index: ending an account's sessions
     * marks its rows expired, and whichever replica the next request reaches sees the mark (Accounts).
     */
    @Bean
    SessionRegistry sessionRegistry(FindByIndexNameSessionRepository<? extends Session> sessions) {
        return new SpringSessionBackedSessionRegistry<>(sessions);
    }

    private static void roleRules(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules,
            String prefix) {
        rules.requestMatchers(prefix + "/labeler/**").hasRole("LABELER");
        rules.requestMatchers(prefix + "/admin/**").hasRole("ADMIN");
        rules.requestMatchers(prefix + "/engineer/**").hasRole("ML_ENGINEER");
        rules.requestMatchers(prefix + "/review/**").hasRole("REVIEWER");
        // Label exports feed training: ML engineers download them, admins check them.
        rules.requestMatchers(prefix + "/exports/**").hasAnyRole("ADMIN", "ML_ENGINEER");
        rules.anyRequest().authenticated();
    }

    /**
     * No tracing spans or timers around each security filter: nothing reads them (the Prometheus
     * endpoint shows request latencies, not filter timings), and on a labeler's page they cost more than the
     * authorization they wrap.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // bcrypt today, with the algorithm id stored beside each hash so it can change later.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
