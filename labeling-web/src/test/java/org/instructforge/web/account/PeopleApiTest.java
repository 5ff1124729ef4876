package org.instructforge.web.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.instructforge.web.audit.AuditRecord;
import org.instructforge.web.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admins create, invite, change and reset people over the API and the pages; every refusal is a 400 (or 409) with
 * the field at fault, never a 500, and every change is in the audit log.
 */
@SpringBootTest
@AutoConfigureMockMvc
class PeopleApiTest {

    static final String GOOD_PASSWORD = "violet tractor under moonlight";

    @Autowired
    MockMvc mvc;

    @Autowired
    JsonMapper json;

    @Autowired
    AuditTrail audit;

    /** The demo admin, so that "yourself" rules apply to the account the tests act as. */
    static RequestPostProcessor admin() {
        return user("admin").roles("ADMIN");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    JsonNode create(String username, String roles) throws Exception {
        String body = mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"" + username + "\", \"displayName\": \"Ada " + username
                                + "\", \"email\": \"ada@example.org\", \"roles\": " + roles + "}"))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString();
        return json.readTree(body);
    }

    long demoAdminId() throws Exception {
        return json.readTree(mvc.perform(get("/api/admin/people").with(admin()))
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .valueStream()
                .filter(p -> p.get("username").asText().equals("admin"))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
    }

    static String path(JsonNode link) {
        return URI.create(link.get("url").asText()).getPath();
    }

    @Test
    void anInvitationLinkSetsThePasswordOnceAndThePersonSignsIn() throws Exception {
        String name = unique("invitee");
        JsonNode created = create(name, "[\"LABELER\"]");
        assertThat(created.at("/person/roles").toString()).contains("LABELER");
        assertThat(created.at("/person/hasPassword").asBoolean()).isFalse();
        String link = path(created.get("invitation"));
        assertThat(link).matches("/invitations/[A-Za-z0-9_-]{43}");

        // Before the password is set, no password signs the account in.
        mvc.perform(formLogin("/login").user(name).password("")).andExpect(redirectedUrl("/login?error"));

        mvc.perform(get(link)).andExpect(status().isOk()).andExpect(content().string(containsString(name)));
        mvc.perform(post(link).with(csrf()).param("newPassword", GOOD_PASSWORD).param("confirmPassword", GOOD_PASSWORD))
                .andExpect(redirectedUrl("/login?passwordSet"));
        mvc.perform(formLogin("/login").user(name).password(GOOD_PASSWORD)).andExpect(redirectedUrl("/"));

        // Single use: the page now says so (410), and a second password is not taken.
        mvc.perform(get(link)).andExpect(status().isGone()).andExpect(content().string(containsString("used already")));
        mvc.perform(post(link)
                        .with(csrf())
                        .param("newPassword", "another long passphrase")
                        .param("confirmPassword", "another long passphrase"))
                .andExpect(status().isGone());
        mvc.perform(formLogin("/login").user(name).password(GOOD_PASSWORD)).andExpect(redirectedUrl("/"));
    }

    @Test
    void unknownAndMalformedLinksGetAClearPageNotAnError() throws Exception {
        String unknown = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        mvc.perform(get("/invitations/" + unknown))
                .andExpect(status().isNotFound())
                .andExpect(content().string(containsString("no such link")));
        mvc.perform(get("/password-resets/not-a-token")).andExpect(status().isNotFound());
        mvc.perform(post("/invitations/" + unknown)
                        .with(csrf())
                        .param("newPassword", GOOD_PASSWORD)
                        .param("confirmPassword", GOOD_PASSWORD))
                .andExpect(status().isNotFound());
    }

    @Test
    void theLinkPageRefusesShortCommonAndMismatchedPasswordsBesideTheField() throws Exception {
        String name = unique("policy");
        String link = path(create(name, "[\"LABELER\"]").get("invitation"));
        mvc.perform(post(link).with(csrf()).param("newPassword", "short1!").param("confirmPassword", "short1!"))
                .andExpect(status().isOk())
                .andExpect(model().attributeHasFieldErrorCode("password", "newPassword", "password.short"));
        mvc.perform(post(link)
                        .with(csrf())
                        .param("newPassword", "Password1234")
                        .param("confirmPassword", "Password1234"))
                .andExpect(model().attributeHasFieldErrorCode("password", "newPassword", "password.common"));
        mvc.perform(post(link)
                        .with(csrf())
                        .param("newPassword", name + "-secret")
                        .param("confirmPassword", name + "-secret"))
                .andExpect(model().attributeHasFieldErrorCode("password", "newPassword", "password.username"));
        mvc.perform(post(link)
                        .with(csrf())
                        .param("newPassword", GOOD_PASSWORD)
                        .param("confirmPassword", "something else"))
                .andExpect(model().attributeHasFieldErrorCode("password", "confirmPassword", "password.mismatch"));
        // None of these used the link up.
        mvc.perform(get(link)).andExpect(status().isOk());
    }

    @Test
    void createRefusesADuplicateUserName() throws Exception {
        String name = unique("dup");
        create(name, "[\"LABELER\"]");
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"" + name
                                + "\", \"displayName\": \"Twin\", \"roles\": [\"LABELER\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.username").value("This user name is taken."));
    }

    @Test
    void createRefusesAnUnknownRoleAndNoRoles() throws Exception {
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"" + unique("role")
                                + "\", \"displayName\": \"R\", \"roles\": [\"SUPERUSER\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.roles").value(containsString("Unknown role")));
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"" + unique("role") + "\", \"displayName\": \"R\", \"roles\": []}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.roles").value("Choose at least one role."));
    }

    @Test
    void createRefusesNulCharactersAndBlankFieldsFieldByField() throws Exception {
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"nul\\u0000name\", \"displayName\": \"Nul\\u0000Name\","
                                + " \"email\": \"a\\u0000@example.org\", \"roles\": [\"LABELER\"]}"))
                // the one rule for text that cannot be stored (StorableText), beside the first field that breaks it
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.username").value(org.hamcrest.Matchers.containsString("NUL")));
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \" \", \"displayName\": \"  \", \"roles\": [\"LABELER\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.username").exists())
                .andExpect(jsonPath("$.errors.displayName").value("Give the person's name as others should see it."));
        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"roles\": 7"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.body").exists());
    }

    @Test
    void theFormShowsEachProblemBesideItsFieldAndTheLinkOnceOnSuccess() throws Exception {
        mvc.perform(post("/admin/people")
                        .with(admin())
                        .with(csrf())
                        .param("username", "Bad Name")
                        .param("displayName", "")
                        .param("email", "not-mail"))
                .andExpect(status().isOk())
                .andExpect(model().attributeHasFieldErrors("person", "username", "displayName", "email", "roles"));
        String name = unique("form");
        mvc.perform(post("/admin/people")
                        .with(admin())
                        .with(csrf())
                        .param("username", name)
                        .param("displayName", "Form Person")
                        .param("roles", "LABELER", "ML_ENGINEER"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("/invitations/")))
                .andExpect(content().string(containsString("shown only this once")));
    }

    @Test
    void adminsEditRolesDisableAndEnableAndEveryChangeIsAudited() throws Exception {
        String name = unique("edit");
        long id = create(name, "[\"LABELER\"]").at("/person/id").asLong();
        mvc.perform(put("/api/admin/people/" + id + "/roles")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"roles\": [\"LABELER\", \"ENGINEER\"]}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.roles", hasSize(2)));
        mvc.perform(put("/api/admin/people/" + id + "/roles")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"roles\": [\"ROOT\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.roles").exists());
        mvc.perform(post("/api/admin/people/" + id + "/disable").with(admin()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(false));
        mvc.perform(post("/api/admin/people/" + id + "/enable").with(admin()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(true));

        List<String> actions = audit.latest(200).stream()
                .filter(a -> String.valueOf(id).equals(a.targetId()) && "app_user".equals(a.targetType()))
                .map(AuditRecord::action)
                .toList();
        assertThat(actions)
                .contains(
                        "account.created",
                        "account.invitation_issued",
                        "account.roles_changed",
                        "account.disabled",
                        "account.enabled");
        assertThat(audit.latest(200).stream()
                        .filter(a -> String.valueOf(id).equals(a.targetId()) && "app_user".equals(a.targetType()))
                        .allMatch(a -> "admin".equals(a.actor())))
                .isTrue();
    }

    @Test
    void anAdminCannotTakeTheirOwnAdminRoleOrDisableThemselves() throws Exception {
        long self = demoAdminId();
        mvc.perform(put("/api/admin/people/" + self + "/roles")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"roles\": [\"LABELER\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.roles").value(containsString("ADMIN role from yourself")));
        mvc.perform(post("/api/admin/people/" + self + "/disable").with(admin()))
                .andExpect(status().isConflict());
        mvc.perform(get("/api/admin/people/" + self).with(admin()))
                .andExpect(jsonPath("$.enabled").value(true))
                .andExpect(jsonPath("$.roles[0]").value("ADMIN"));
    }

    @Test
    void thePersonPageSaysBesideTheRolesWhyAnAdminCannotDropTheirOwnAdminRole() throws Exception {
        long self = demoAdminId();
        // The message rides to the next page in the session (in PostgreSQL: Spring Session), found by its cookie.
        Cookie session = mvc.perform(post("/admin/people/" + self + "/roles")
                        .with(admin())
                        .with(csrf())
                        .param("roles", "LABELER"))
                .andExpect(redirectedUrl("/admin/people/" + self))
                .andExpect(flash().attribute("roleError", "person.roles.ownAdmin"))
                .andReturn()
                .getResponse()
                .getCookie("SESSION");
        mvc.perform(get("/admin/people/" + self).with(admin()).cookie(session))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("You cannot take the ADMIN role from yourself")));
    }

    @Test
    void theUploadPageListsEveryBadLineOrShowsEveryLinkOnce() throws Exception {
        String name = unique("upload");
        byte[] bad = ("user_name,display_name,roles\n" + name + ",Up Load,LABELER\nBAD NAME,X,LABELER\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        mvc.perform(multipart("/admin/people/import")
                        .file(new MockMultipartFile("file", "people.csv", "text/csv", bad))
                        .with(admin())
                        .with(csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Nobody was created")))
                .andExpect(content().string(containsString("user_name: 2 to 64 characters")));
        mvc.perform(get("/api/admin/people").with(admin()))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(name))));
        byte[] good = ("user_name,display_name,roles\n" + name + ",Up Load,LABELER\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        mvc.perform(multipart("/admin/people/import")
                        .file(new MockMultipartFile("file", "people.csv", "text/csv", good))
                        .with(admin())
                        .with(csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("/invitations/")))
                .andExpect(content().string(containsString(name)));
    }

    @Test
    void aResetLinkSetsANewPasswordAndReplacesEarlierLinks() throws Exception {
        String name = unique("reset");
        JsonNode created = create(name, "[\"LABELER\"]");
        long id = created.at("/person/id").asLong();
        String invitation = path(created.get("invitation"));
        String reset = path(json.readTree(
                mvc.perform(post("/api/admin/people/" + id + "/password-reset").with(admin()))
                        .andExpect(status().isOk())
                        .andReturn()
                        .getResponse()
                        .getContentAsString()));
        assertThat(reset).startsWith("/password-resets/");

        mvc.perform(get(invitation))
                .andExpect(status().isGone())
                .andExpect(content().string(containsString("newer link")));
        mvc.perform(post(reset)
                        .with(csrf())
                        .param("newPassword", GOOD_PASSWORD)
                        .param("confirmPassword", GOOD_PASSWORD))
                .andExpect(redirectedUrl("/login?passwordSet"));
        mvc.perform(formLogin("/login").user(name).password(GOOD_PASSWORD)).andExpect(redirectedUrl("/"));
        assertThat(audit.latest(50))
                .anyMatch(a -> a.action().equals("account.reset_link_issued")
                        && a.targetId().equals(String.valueOf(id)));
    }

    @Test
    void everyoneChangesTheirOwnPasswordWithTheCurrentOne() throws Exception {
        String name = unique("own");
        String link = path(create(name, "[\"ML_ENGINEER\"]").get("invitation"));
        mvc.perform(
                post(link).with(csrf()).param("newPassword", GOOD_PASSWORD).param("confirmPassword", GOOD_PASSWORD));
        RequestPostProcessor me = user(name).roles("ML_ENGINEER");

        mvc.perform(get("/account").with(me)).andExpect(status().isOk());
        mvc.perform(post("/account/password")
                        .with(me)
                        .with(csrf())
                        .param("currentPassword", "not my password")
                        .param("newPassword", "a brand new passphrase")
                        .param("confirmPassword", "a brand new passphrase"))
                .andExpect(model().attributeHasFieldErrorCode("password", "currentPassword", "password.current.wrong"));
        mvc.perform(post("/account/password")
                        .with(me)
                        .with(csrf())
                        .param("currentPassword", GOOD_PASSWORD)
                        .param("newPassword", "qwertyuiop123")
                        .param("confirmPassword", "qwertyuiop123"))
                .andExpect(model().attributeHasFieldErrorCode("password", "newPassword", "password.common"));
        mvc.perform(post("/account/password")
                        .with(me)
                        .with(csrf())
                        .param("currentPassword", GOOD_PASSWORD)
                        .param("newPassword", "a brand new passphrase")
                        .param("confirmPassword", "a brand new passphrase"))
                .andExpect(redirectedUrl("/account"));

        mvc.perform(formLogin("/login").user(name).password(GOOD_PASSWORD)).andExpect(redirectedUrl("/login?error"));
        mvc.perform(formLogin("/login").user(name).password("a brand new passphrase"))
                .andExpect(redirectedUrl("/"));
    }

    @Test
    void aCsvWithBadLinesCreatesNobodyAndReportsEveryBadLine() throws Exception {
        String ok = unique("csv");
        String taken = "labeler";
        String csv = "user_name,display_name,roles,email\n"
                + ok + ",Good Person,LABELER,\n" // line 2: fine
                + "Bad Name,Someone,LABELER,\n" // line 3: user name format
                + unique("csv") + ",,LABELER;ADMIN,\n" // line 4: blank display name
                + unique("csv") + ",Role Person,LABELER;WIZARD,\n" // line 5: unknown role
                + taken + ",Taken,LABELER,\n" // line 6: name taken
                + ok + ",Twice,ADMIN,\n" // line 7: repeats line 2
                + unique("csv") + ",Short,LABELER\n"; // line 8: 3 fields
        mvc.perform(post("/api/admin/people/import")
                        .with(admin())
                        .contentType("text/csv")
                        .content(csv))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.lines[*].line").value(org.hamcrest.Matchers.contains(3, 4, 5, 6, 7, 8)))
                .andExpect(jsonPath("$.lines[0].reason").value(containsString("user_name")))
                .andExpect(jsonPath("$.lines[2].reason").value(containsString("Unknown role")))
                .andExpect(jsonPath("$.lines[4].reason").value(containsString("line 2")))
                .andExpect(jsonPath("$.lines[5].reason").value(containsString("expected 4 fields")));
        mvc.perform(get("/api/admin/people").with(admin()))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(ok))));
    }

    @Test
    void aGoodCsvGivesEveryoneAnInvitationLink() throws Exception {
        String first = unique("bulk");
        String second = unique("bulk");
        String csv = "User Name,Display Name,Roles\r\n" + first + ",\"Doe, Jane\",labeler\r\n" + second
                + ",\"Sam \"\"the\"\" Engineer\",ENGINEER;ADMIN\r\n";
        JsonNode answer = json.readTree(mvc.perform(post("/api/admin/people/import")
                        .with(admin())
                        .contentType("text/csv")
                        .content(csv))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString());
        assertThat(answer.get("invitations")
                        .valueStream()
                        .map(l -> l.get("username").asText())
                        .toList())
                .containsExactly(first, second);
        JsonNode people = json.readTree(mvc.perform(get("/api/admin/people").with(admin()))
                .andReturn()
                .getResponse()
                .getContentAsString());
        JsonNode sam = people.valueStream()
                .filter(p -> p.get("username").asText().equals(second))
                .findFirst()
                .orElseThrow();
        assertThat(sam.get("displayName").asText()).isEqualTo("Sam \"the\" Engineer");
        assertThat(sam.get("roles").toString()).contains("ADMIN", "ML_ENGINEER");
        mvc.perform(get(path(answer.get("invitations").get(0)))).andExpect(status().isOk());
    }

    @Test
    void theAiLabelerCannotSignInAndItsAttemptIsAPlainFailure() throws Exception {
        mvc.perform(formLogin("/login").user(Accounts.AI_LABELER).password("!no-login"))
                .andExpect(redirectedUrl("/login?error"));
        mvc.perform(get("/api/me")
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString((Accounts.AI_LABELER + ":anything").getBytes())))
                .andExpect(status().isUnauthorized());
    }
}
