package org.instructforge.web;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.stream.Stream;
import org.instructforge.shared.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Each role reaches exactly its own pages and APIs; anonymous visitors reach only the login page and the one-time
 * links; every signed-in role reaches its own account page.
 */
@SpringBootTest
@AutoConfigureMockMvc
class RoleMatrixTest {

    @Autowired
    MockMvc mvc;

    /** An account every database has: the AI labeler, inserted by migration V023 as the first account. */
    static final long ANY_ACCOUNT = 1;

    /** Every state-changing admin route for people and teams, with its method: nobody but an admin gets through. */
    static Stream<Arguments> adminWrites() {
        return Stream.of(
                Arguments.of("POST", "/api/admin/people"),
                Arguments.of("PUT", "/api/admin/people/" + ANY_ACCOUNT + "/roles"),
                Arguments.of("POST", "/api/admin/people/" + ANY_ACCOUNT + "/disable"),
                Arguments.of("POST", "/api/admin/people/" + ANY_ACCOUNT + "/enable"),
                Arguments.of("POST", "/api/admin/people/" + ANY_ACCOUNT + "/password-reset"),
                Arguments.of("POST", "/api/admin/people/import"),
                Arguments.of("POST", "/admin/people"),
                Arguments.of("POST", "/admin/people/" + ANY_ACCOUNT + "/roles"),
                Arguments.of("POST", "/admin/people/" + ANY_ACCOUNT + "/access"),
                Arguments.of("POST", "/admin/people/" + ANY_ACCOUNT + "/password-reset"),
                Arguments.of("POST", "/admin/people/import"),
                Arguments.of("POST", "/api/admin/teams"),
                Arguments.of("PUT", "/api/admin/teams/1/members"),
                Arguments.of("PUT", "/api/admin/teams/1/datasets"),
                Arguments.of("POST", "/admin/teams"),
                Arguments.of("POST", "/admin/teams/1/members"),
                Arguments.of("POST", "/admin/teams/1/datasets"));
    }

    @ParameterizedTest(name = "{0} {1} is refused to non-admins and anonymous visitors")
    @MethodSource("adminWrites")
    void peopleChangesAreRefusedToEveryoneButAdmins(String method, String path) throws Exception {
        for (Role role : Role.values()) {
            if (role == Role.ADMIN) {
                continue; // what an admin's request does is PeopleApiTest's business
            }
            mvc.perform(request(method, path)
                            .with(csrf())
                            .with(user("matrix-" + role.name().toLowerCase()).roles(role.name())))
                    .andExpect(status().isForbidden());
        }
        mvc.perform(request(method, path).with(csrf()))
                .andExpect(path.startsWith("/api/") ? status().isUnauthorized() : status().isFound());
    }

    /** A review id that exists nowhere: the role check comes first, so a reviewer gets past it (404) and no one else. */
    static final long NO_LABEL = Long.MAX_VALUE;

    /** Every review route, pages and decisions: reviewers only. */
    static Stream<Arguments> reviewRoutes() {
        return Stream.of(
                Arguments.of("GET", "/review/demonstrations/" + NO_LABEL),
                Arguments.of("GET", "/review/rankings/" + NO_LABEL),
                Arguments.of("POST", "/review/demonstrations/" + NO_LABEL),
                Arguments.of("POST", "/review/rankings/" + NO_LABEL));
    }

    @ParameterizedTest(name = "{0} {1} is a reviewer's only")
    @MethodSource("reviewRoutes")
    void reviewRoutesAreReviewersOnly(String method, String path) throws Exception {
        for (Role role : Role.values()) {
            mvc.perform(request(method, path)
                            .param("decision", "accept")
                            .with(csrf())
                            .with(user("matrix-" + role.name().toLowerCase()).roles(role.name())))
                    .andExpect(role == Role.REVIEWER ? status().isNotFound() : status().isForbidden());
        }
        mvc.perform(request(method, path).with(csrf()))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/login"));
    }

    private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request(
            String method, String path) {
        return org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                org.springframework.http.HttpMethod.valueOf(method), path);
    }

    /**
     * Label quality, whole or per team, is the admin's (what it shows: LabelQualityTest, TeamsTest). Not in the
     * matrix above, which expects a 200 for the owner: the whole report needs every ranking in the shared test
     * database to be whole, and some fixtures write partial ones.
     */
    @Test
    void labelQualityIsRefusedToEveryoneButAdmins() throws Exception {
        for (String path : new String[] {"/admin/quality", "/admin/quality?team=1", "/api/admin/quality"}) {
            for (Role role : Role.values()) {
                if (role != Role.ADMIN) {
                    mvc.perform(get(path)
                                    .with(user("matrix-" + role.name().toLowerCase())
                                            .roles(role.name())))
                            .andExpect(status().isForbidden());
                }
            }
            mvc.perform(get(path)).andExpect(path.startsWith("/api/") ? status().isUnauthorized() : status().isFound());
        }
    }

    @Test
    void everySignedInRoleReachesItsOwnAccountPage() throws Exception {
        for (Role role : Role.values()) {
            mvc.perform(get("/account")
                            .with(user("account-" + role.name().toLowerCase()).roles(role.name())))
                    .andExpect(status().isOk());
        }
        mvc.perform(get("/account")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
    }

    /** Every role-owned page and API, with the role that owns it. */
    static Stream<Arguments> ownedEndpoints() {
        return Stream.of(
                Arguments.of("/labeler", Role.LABELER),
                Arguments.of("/labeler/reviews", Role.LABELER),
                Arguments.of("/review", Role.REVIEWER),
                Arguments.of("/api/labeler/queue", Role.LABELER),
                Arguments.of("/admin", Role.ADMIN),
                Arguments.of("/api/admin/datasets", Role.ADMIN),
                Arguments.of("/api/admin/people", Role.ADMIN),
                Arguments.of("/api/admin/people/" + ANY_ACCOUNT, Role.ADMIN),
                Arguments.of("/admin/people", Role.ADMIN),
                Arguments.of("/admin/people/new", Role.ADMIN),
                Arguments.of("/admin/people/import", Role.ADMIN),
                Arguments.of("/admin/people/" + ANY_ACCOUNT, Role.ADMIN),
                Arguments.of("/admin/teams", Role.ADMIN),
                Arguments.of("/api/admin/teams", Role.ADMIN),
                Arguments.of("/admin/datasets/new", Role.ADMIN),
                Arguments.of("/admin/pii", Role.ADMIN),
                Arguments.of("/admin/audit", Role.ADMIN),
                Arguments.of("/engineer", Role.ML_ENGINEER),
                Arguments.of("/api/engineer/runs", Role.ML_ENGINEER),
                Arguments.of("/api/engineer/checkpoints", Role.ML_ENGINEER),
                Arguments.of("/engineer/runs/new", Role.ML_ENGINEER),
                Arguments.of("/engineer/checkpoints", Role.ML_ENGINEER),
                Arguments.of("/engineer/evaluations", Role.ML_ENGINEER),
                Arguments.of("/api/engineer/evaluations", Role.ML_ENGINEER),
                Arguments.of("/engineer/rounds/demonstrations", Role.ML_ENGINEER),
                Arguments.of("/api/engineer/rounds/demonstrations", Role.ML_ENGINEER));
    }

    @ParameterizedTest(name = "{0} is reached by {1} only")
    @MethodSource("ownedEndpoints")
    void eachRoleReachesExactlyItsOwnPagesAndApis(String path, Role owner) throws Exception {
        for (Role role : Role.values()) {
            mvc.perform(get(path)
                            .with(user("matrix-" + role.name().toLowerCase()).roles(role.name())))
                    .andExpect(role == owner ? status().isOk() : status().isForbidden());
        }
    }

    @ParameterizedTest(name = "anonymous is sent to sign in from {0}")
    @MethodSource("ownedEndpoints")
    void anonymousVisitorsAreSentToSignInFromEveryPage(String path, Role owner) throws Exception {
        if (path.startsWith("/api/")) {
            mvc.perform(get(path)).andExpect(status().isUnauthorized());
        } else {
            mvc.perform(get(path)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        }
    }

    @Test
    void anonymousVisitorsReachTheLoginPageAndHealthProbeOnly() throws Exception {
        mvc.perform(get("/login")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/api/me")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/info")).andExpect(status().isFound());
        // One-time links are reached without signing in: an unknown one gets its page (404), not the sign-in.
        mvc.perform(get("/invitations/unknown-token")).andExpect(status().isNotFound());
        mvc.perform(get("/password-resets/unknown-token")).andExpect(status().isNotFound());
    }

    @Test
    void theFrontDoorSendsEachRoleToItsHomePage() throws Exception {
        for (Role role : Role.values()) {
            String home = switch (role) {
                case LABELER -> "/labeler";
                case ADMIN -> "/admin";
                case ML_ENGINEER -> "/engineer";
                case REVIEWER -> "/review";
            };
            mvc.perform(get("/").with(user("front-door").roles(role.name()))).andExpect(redirectedUrl(home));
        }
    }

    @Test
    void everySignedInRoleCanAskWhoItIs() throws Exception {
        for (Role role : Role.values()) {
            mvc.perform(get("/api/me").with(user("me").roles(role.name()))).andExpect(status().isOk());
        }
    }

    @Test
    void demoAccountsSignInWithTheirPrintedPasswords() throws Exception {
        mvc.perform(formLogin("/login").user("admin").password("admin-demo")).andExpect(redirectedUrl("/"));
        mvc.perform(formLogin("/login").user("admin").password("wrong")).andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void theApiAcceptsHttpBasicWithARealAccount() throws Exception {
        mvc.perform(get("/api/admin/people").header("Authorization", basic("admin", "admin-demo")))
                .andExpect(status().isOk());
        mvc.perform(get("/api/admin/people").header("Authorization", basic("labeler", "labeler-demo")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/admin/people").header("Authorization", basic("admin", "nope")))
                .andExpect(status().isUnauthorized())
                .andExpect(header().exists("WWW-Authenticate"));
    }

    @Test
    void formsWithoutACsrfTokenAreRejected() throws Exception {
        mvc.perform(post("/logout").with(user("csrf").roles("LABELER"))).andExpect(status().isForbidden());
        mvc.perform(post("/login").param("username", "admin").param("password", "admin-demo"))
                .andExpect(status().isForbidden());
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }
}
