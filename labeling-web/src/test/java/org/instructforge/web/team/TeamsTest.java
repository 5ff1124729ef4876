package org.instructforge.web.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.audit.AuditRecord;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Admins make teams, put labelers into them (one by one, on creating a person, or from the people CSV's team column)
 * and give datasets to them; bad input is a 400 that stores nothing; quality and the leaderboard filter by team.
 * Which tasks a team's labeler is offered is tested with the queue (TaskQueueTest).
 */
@SpringBootTest
@AutoConfigureMockMvc
class TeamsTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    Teams teams;

    @Autowired
    Accounts accounts;

    @Autowired
    AuditTrail audit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    static RequestPostProcessor admin() {
        return user("admin").roles("ADMIN");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theCsvTeamColumnCreatesMissingTeamsAndPutsEachPersonIntoTheirs() throws Exception {
        String first = unique("csvteam");
        String second = unique("csvteam");
        String existing = unique("Team");
        teams.create(existing, "admin");
        String fresh = unique("New team");
        String csv = "user_name,display_name,roles,team\n" + first + ",First,LABELER," + existing.toUpperCase() + ";"
                + fresh + "\n" + second + ",Second,LABELER,\n";

        mvc.perform(post("/api/admin/people/import")
                        .with(admin())
                        .contentType("text/csv")
                        .content(csv))
                .andExpect(status().isCreated());

        assertThat(teams.teamsOf(first)).extracting(TeamRef::name).containsExactlyInAnyOrder(existing, fresh);
        assertThat(teams.teamsOf(second)).isEmpty();
        assertThat(teams.all())
                .extracting(TeamRef::name)
                .filteredOn(existing::equalsIgnoreCase)
                .hasSize(1);
    }

    @Test
    void aBadTeamNameInTheCsvCreatesNobodyAndNoTeam() throws Exception {
        String name = unique("badteam");
        String csv = "user_name,display_name,roles,team\n" + name + ",Bad,LABELER," + "x".repeat(65) + "\n";

        mvc.perform(post("/api/admin/people/import")
                        .with(admin())
                        .contentType("text/csv")
                        .content(csv))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.lines[0].reason").value(containsString("team: a team name has at most 64")));

        assertThat(accounts.exists(name)).isFalse();
        assertThat(teams.all()).extracting(TeamRef::name).doesNotContain("x".repeat(65));
    }

    @Test
    void aPersonCreatedWithTeamsIsInThem() throws Exception {
        String team = unique("Create team");
        teams.create(team, "admin");
        String name = unique("withteam");

        mvc.perform(post("/api/admin/people")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\": \"" + name + "\", \"displayName\": \"W\", \"roles\": [\"LABELER\"],"
                                + " \"teams\": [\"" + team + "\"]}"))
                .andExpect(status().isCreated());

        assertThat(teams.teamsOf(name)).extracting(TeamRef::name).containsExactly(team);
    }

    @Test
    void badTeamRequestsAre400sThatStoreNothing() throws Exception {
        int before = teams.all().size();
        mvc.perform(post("/api/admin/teams")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.team").value("a team needs a name"));
        mvc.perform(post("/api/admin/teams")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"nul\\u0000team\"}"))
                .andExpect(status().isBadRequest());
        String name = unique("Twice");
        teams.create(name, "admin");
        mvc.perform(post("/api/admin/teams")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"" + name.toLowerCase() + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.team").value(containsString("already a team")));
        long team = teams.create(unique("Members"), "admin").id();
        long engineer = accounts.create(unique("eng"), "E", "secret-password", Set.of(Role.ML_ENGINEER), null)
                .id();
        mvc.perform(put("/api/admin/teams/" + team + "/members")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"userIds\": [" + engineer + "]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.team").value(containsString("not a labeler")));
        mvc.perform(put("/api/admin/teams/" + team + "/datasets")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"datasetIds\": [999999999]}"))
                .andExpect(status().isBadRequest());
        mvc.perform(put("/api/admin/teams/" + team + "/datasets")
                        .with(admin())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"datasetIds\": null}"))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/admin/teams/999999999").with(admin())).andExpect(status().isNotFound());

        assertThat(teams.all()).hasSize(before + 2);
        assertThat(teams.team(team).members()).isEmpty();
        assertThat(teams.team(team).datasets()).isEmpty();
    }

    @Test
    void everyTeamChangeIsInTheAuditLog() throws Exception {
        String name = unique("Audited");
        mvc.perform(post("/admin/teams").param("name", name).with(admin()).with(csrf()))
                .andExpect(status().is3xxRedirection());
        long team = teams.all().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow()
                .id();
        long labeler = accounts.create(unique("aud"), "A", "secret-password", Set.of(Role.LABELER), null)
                .id();
        mvc.perform(post("/admin/teams/" + team + "/members")
                        .param("member", String.valueOf(labeler))
                        .with(admin())
                        .with(csrf()))
                .andExpect(status().is3xxRedirection());
        mvc.perform(post("/admin/teams/" + team + "/datasets").with(admin()).with(csrf()))
                .andExpect(status().is3xxRedirection());

        List<String> actions = audit.latest(20).stream()
                .filter(r ->
                        "team".equals(r.targetType()) && String.valueOf(team).equals(r.targetId()))
                .map(AuditRecord::action)
                .toList();
        assertThat(actions).contains("team.created", "team.members_changed", "team.datasets_changed");
    }

    @Test
    void theQualityPageAndItsApiListOnlyTheChosenTeamsLabelers() throws Exception {
        String in = unique("qin");
        String out = unique("qout");
        long inId = accounts.create(in, in, "secret-password", Set.of(Role.LABELER), null)
                .id();
        accounts.create(out, out, "secret-password", Set.of(Role.LABELER), null);
        long team = teams.create(unique("Quality"), "admin").id();
        teams.changeMembers(team, List.of(inId), "admin");

        mvc.perform(get("/api/admin/quality")
                        .param("team", String.valueOf(team))
                        .with(admin()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.labelers.length()").value(1))
                .andExpect(jsonPath("$.labelers[0].username").value(in));
        mvc.perform(get("/admin/quality").param("team", String.valueOf(team)).with(admin()))
                .andExpect(content().string(containsString(in)))
                .andExpect(content().string(not(containsString(out))));
        mvc.perform(get("/api/admin/quality").param("team", "999999999").with(admin()))
                .andExpect(status().isNotFound());
    }

    @Test
    void theLeaderboardFiltersByTheLabelersOwnTeamsOnly() throws Exception {
        String me = unique("lbme");
        String other = unique("lbother");
        long meId = accounts.create(me, "Me " + me, "secret-password", Set.of(Role.LABELER), null)
                .id();
        long otherId = accounts.create(other, "Other " + other, "secret-password", Set.of(Role.LABELER), null)
                .id();
        long mine = teams.create(unique("Mine"), "admin").id();
        long theirs = teams.create(unique("Theirs"), "admin").id();
        teams.changeMembers(mine, List.of(meId), "admin");
        teams.changeMembers(theirs, List.of(otherId), "admin");
        long dataset = datasets.create(ImportFixtures.allTrain("leaderboard", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line("Board " + me, "u")));
        long prompt = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
        for (long labeler : List.of(meId, otherId)) {
            jdbc.sql("""
                            INSERT INTO task_assignment (task_kind, prompt_id, labeler_id, lease_expires_at, status,
                                                         completed_at)
                            VALUES ('DEMONSTRATION', :p, :l, now(), 'SUBMITTED', now())""").param("p", prompt).param("l", labeler).update();
        }

        mvc.perform(get("/labeler").param("team", String.valueOf(mine)).with(user(me).roles("LABELER")))
                .andExpect(content().string(containsString("Me " + me)))
                .andExpect(content().string(not(containsString("Other " + other))));
        // Another team's id is not the labeler's to look into: the board is everyone's, and that team is not named.
        mvc.perform(get("/labeler").param("team", String.valueOf(theirs)).with(user(me).roles("LABELER")))
                .andExpect(content().string(containsString("aria-current=\"page\">Everyone<")))
                .andExpect(content().string(not(containsString("Theirs-"))));
    }
}
