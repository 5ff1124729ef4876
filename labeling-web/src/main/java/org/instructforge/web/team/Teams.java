package org.instructforge.web.team;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * Teams: admins create them, put labelers into them and give datasets to them. Which tasks a labeler is offered
 * follows from these rows through {@code dataset_open_to} (V040), the one place the rule is written; this class only
 * keeps the rows. Every change is in the audit log.
 */
@Service
public class Teams {

    /** Printable, at most 64 characters, no {@code ;} (it separates teams in the people CSV). */
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl};]{1,64}");

    private final JdbcClient jdbc;
    private final AuditTrail audit;

    Teams(JdbcClient jdbc, AuditTrail audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Every team, by name. */
    @Transactional(readOnly = true)
    public List<TeamRef> all() {
        return jdbc.sql("SELECT id, name FROM team ORDER BY lower(name)")
                .query((rs, n) -> new TeamRef(rs.getLong(1), rs.getString(2)))
                .list();
    }

    /** Every team with its members and datasets, by name. */
    @Transactional(readOnly = true)
    public List<Team> overview() {
        return all().stream().map(ref -> team(ref.id())).toList();
    }

    @Transactional(readOnly = true)
    public Team team(long id) {
        String name = jdbc.sql("SELECT name FROM team WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No team " + id));
        List<Team.Member> members = jdbc.sql("""
                        SELECT u.id, u.username, u.display_name FROM team_member m JOIN app_user u ON u.id = m.user_id
                        WHERE m.team_id = :id ORDER BY u.username""")
                .param("id", id)
                .query((rs, n) -> new Team.Member(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
        List<Team.DatasetRef> datasets = jdbc.sql("""
                        SELECT d.id, d.name FROM dataset_team t JOIN prompt_dataset d ON d.id = t.dataset_id
                        WHERE t.team_id = :id ORDER BY lower(d.name)""")
                .param("id", id)
                .query((rs, n) -> new Team.DatasetRef(rs.getLong(1), rs.getString(2)))
                .list();
        return new Team(id, name, members, datasets);
    }

    /** The teams a person is in, by name. */
    @Transactional(readOnly = true)
    public List<TeamRef> teamsOf(long userId) {
        return teamsWhere("m.user_id = :u", userId);
    }

    /** The teams of the account with this user name (none for an unknown name). */
    @Transactional(readOnly = true)
    public List<TeamRef> teamsOf(String username) {
        return teamsWhere("m.user_id = (SELECT id FROM app_user WHERE username = :u)", username);
    }

    private List<TeamRef> teamsWhere(String member, Object user) {
        return jdbc.sql("SELECT t.id, t.name FROM team t JOIN team_member m ON m.team_id = t.id WHERE " + member
                        + " ORDER BY lower(t.name)")
                .param("u", user)
                .query((rs, n) -> new TeamRef(rs.getLong(1), rs.getString(2)))
                .list();
    }

    /**
     * Creates a team.
     *
     * @throws InvalidTeamException for a bad or taken name
     */
    @Transactional
    public TeamRef create(String rawName, String actor) {
        String name = checkedName(rawName);
        if (find(name).isPresent()) {
            throw new InvalidTeamException("There is already a team named \"" + name + "\".");
        }
        return insert(name, actor);
    }

    /**
     * The problem with a team name, or null when it can be used. Shared by the form, the API and the people CSV.
     */
    public static String nameProblem(String rawName) {
        String name = rawName == null ? "" : rawName.strip();
        if (name.isEmpty()) return "a team needs a name";
        if (!NAME.matcher(name).matches()) {
            return "a team name has at most 64 characters, and no control characters or \";\"";
        }
        return null;
    }

    /**
     * Puts a person into the named teams, creating the teams that do not exist yet (as bulk onboarding's team column
     * does). Names are matched without regard to case.
     *
     * @throws InvalidTeamException for a bad name
     */
    @Transactional
    public void join(long userId, Collection<String> teamNames, String actor) {
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : teamNames) {
            String name = checkedName(raw);
            if (!seen.add(name.toLowerCase(Locale.ROOT))) continue;
            TeamRef team = find(name).orElseGet(() -> insert(name, actor));
            int added = jdbc.sql("INSERT INTO team_member (team_id, user_id) VALUES (:t, :u) ON CONFLICT DO NOTHING")
                    .param("t", team.id())
                    .param("u", userId)
                    .update();
            if (added > 0) {
                audit.record(actor, "team.member_added", "team", team.id(), "user_id", userId);
            }
        }
    }

    /**
     * Replaces the team's members. Only labelers can be members: the team decides which tasks they are offered.
     *
     * @throws InvalidTeamException for an id that is no labeler
     */
    @Transactional
    public Team changeMembers(long teamId, Collection<Long> userIds, String actor) {
        return replace(teamId, Rows.MEMBERS, userIds, actor);
    }

    /**
     * Replaces the datasets given to the team. A dataset given to no team at all is open to every labeler again.
     *
     * @throws InvalidTeamException for an unknown dataset id
     */
    @Transactional
    public Team changeDatasets(long teamId, Collection<Long> datasetIds, String actor) {
        return replace(teamId, Rows.DATASETS, datasetIds, actor);
    }

    /** The two kinds of rows a team has: which ids may be added, where they are kept, and how the audit names them. */
    private record Rows(
            String table,
            String column,
            String validSql,
            String invalid,
            String action,
            Function<Team, List<String>> names) {

        static final Rows MEMBERS = new Rows(
                "team_member",
                "user_id",
                "SELECT EXISTS (SELECT 1 FROM app_user_role r WHERE r.user_id = :id AND r.role = 'LABELER')",
                "Account %d is not a labeler.",
                "team.members_changed",
                team -> team.members().stream().map(Team.Member::username).toList());
        static final Rows DATASETS = new Rows(
                "dataset_team",
                "dataset_id",
                "SELECT EXISTS (SELECT 1 FROM prompt_dataset WHERE id = :id)",
                "There is no dataset %d.",
                "team.datasets_changed",
                team -> team.datasets().stream().map(Team.DatasetRef::name).toList());
    }

    private Team replace(long teamId, Rows rows, Collection<Long> ids, String actor) {
        Team before = team(teamId);
        Set<Long> wanted = new LinkedHashSet<>(ids);
        for (long id : wanted) {
            if (!jdbc.sql(rows.validSql()).param("id", id).query(Boolean.class).single()) {
                throw new InvalidTeamException(rows.invalid().formatted(id));
            }
        }
        jdbc.sql("DELETE FROM " + rows.table() + " WHERE team_id = :t")
                .param("t", teamId)
                .update();
        wanted.forEach(
                id -> jdbc.sql("INSERT INTO " + rows.table() + " (team_id, " + rows.column() + ") VALUES (:t, :id)")
                        .param("t", teamId)
                        .param("id", id)
                        .update());
        Team after = team(teamId);
        audit.record(
                actor,
                rows.action(),
                "team",
                teamId,
                "from",
                rows.names().apply(before).toString(),
                "to",
                rows.names().apply(after).toString());
        return after;
    }

    /** Labelers who may be put into a team, by user name (id to "display name (user)"). */
    @Transactional(readOnly = true)
    public Map<Long, String> labelers() {
        Map<Long, String> labelers = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT u.id, u.display_name || ' (' || u.username || ')' FROM app_user u
                        WHERE EXISTS (SELECT 1 FROM app_user_role r WHERE r.user_id = u.id AND r.role = 'LABELER')
                        ORDER BY u.username""")
                .query((rs, n) -> labelers.put(rs.getLong(1), rs.getString(2)))
                .list();
        return labelers;
    }

    /** Datasets that may be given to a team, by name (id to name). */
    @Transactional(readOnly = true)
    public Map<Long, String> datasets() {
        Map<Long, String> datasets = new LinkedHashMap<>();
        jdbc.sql("SELECT id, name FROM prompt_dataset ORDER BY lower(name)")
                .query((rs, n) -> datasets.put(rs.getLong(1), rs.getString(2)))
                .list();
        return datasets;
    }

    /** Checks a list of names for the people CSV: every problem, or none. */
    public static List<String> nameProblems(Collection<String> names) {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            String problem = nameProblem(name);
            if (problem != null && !problems.contains(problem)) problems.add(problem);
        }
        return problems;
    }

    private Optional<TeamRef> find(String name) {
        return jdbc.sql("SELECT id, name FROM team WHERE lower(name) = lower(:n)")
                .param("n", name)
                .query((rs, n) -> new TeamRef(rs.getLong(1), rs.getString(2)))
                .optional();
    }

    private TeamRef insert(String name, String actor) {
        long id = jdbc.sql("INSERT INTO team (name, created_by) VALUES (:n, :a) RETURNING id")
                .param("n", name)
                .param("a", actor)
                .query(Long.class)
                .single();
        audit.record(actor, "team.created", "team", id, "name", name);
        return new TeamRef(id, name);
    }

    private static String checkedName(String raw) {
        String problem = nameProblem(raw);
        if (problem != null) throw new InvalidTeamException(problem);
        return raw.strip();
    }
}
