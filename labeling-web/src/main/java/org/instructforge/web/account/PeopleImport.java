package org.instructforge.web.account;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.web.team.Teams;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bulk onboarding: a CSV of people becomes one account and one invitation link each, all or nothing. Every row is
 * checked as the single-person form checks it (the same {@link NewPerson} constraints and messages), plus names
 * taken by an account or by an earlier row of the file; one bad line creates nobody, and every bad line is reported.
 */
@Service
class PeopleImport {

    /** The outcome: the links (one per person, in file order) or every bad line. */
    record Outcome(List<IssuedLink> links, List<PeopleCsv.BadLine> badLines) {
        boolean succeeded() {
            return badLines.isEmpty();
        }
    }

    private final Accounts accounts;
    private final Validator validator;
    private final MessageSource messages;

    PeopleImport(Accounts accounts, Validator validator, MessageSource messages) {
        this.accounts = accounts;
        this.validator = validator;
        this.messages = messages;
    }

    @Transactional
    Outcome importCsv(String text, String actor) {
        PeopleCsv.Result parsed = PeopleCsv.parse(text);
        List<PeopleCsv.BadLine> bad = new ArrayList<>(parsed.bad());
        Map<String, Long> firstLineOf = new HashMap<>();
        for (PeopleCsv.Row row : parsed.rows()) {
            String problem = problem(row.person());
            if (problem == null) {
                Long earlier = firstLineOf.putIfAbsent(row.person().username(), row.line());
                if (earlier != null) {
                    problem = "user_name: \"" + row.person().username() + "\" is already on line " + earlier;
                } else if (accounts.exists(row.person().username())) {
                    problem = "user_name: " + message("person.username.taken");
                }
            }
            if (problem != null) {
                bad.add(new PeopleCsv.BadLine(row.line(), problem));
            }
        }
        if (!bad.isEmpty()) {
            bad.sort(Comparator.comparingLong(PeopleCsv.BadLine::line));
            return new Outcome(List.of(), bad);
        }
        List<IssuedLink> links = new ArrayList<>();
        for (PeopleCsv.Row row : parsed.rows()) {
            links.add(accounts.invite(row.person(), actor));
        }
        return new Outcome(links, List.of());
    }

    /** The row's first problem per field, as "field: message", or null. */
    private String problem(NewPerson person) {
        List<String> problems = new ArrayList<>();
        validator.validate(person).stream()
                .sorted(Comparator.comparing(
                        v -> NewPersonFields.ORDER.indexOf(v.getPropertyPath().toString())))
                .map(PeopleImport::describe)
                .distinct()
                .forEach(problems::add);
        try {
            if (person.roles() != null && !person.roles().isEmpty()) {
                RoleNames.parse(person.roles());
            }
        } catch (InvalidPersonException e) {
            problems.add("roles: " + message(e.fieldCodes().get("roles")));
        }
        Teams.nameProblems(person.teamNames()).forEach(problem -> problems.add("team: " + problem));
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static String describe(ConstraintViolation<NewPerson> violation) {
        String field = violation.getPropertyPath().toString();
        return NewPersonFields.CSV_NAMES.getOrDefault(field, field) + ": " + violation.getMessage();
    }

    private String message(String code) {
        return messages.getMessage(code, null, Locale.ENGLISH);
    }

    /** The form's field names and the CSV columns they come from. */
    private static final class NewPersonFields {
        static final List<String> ORDER = List.of("username", "displayName", "email", "roles", "teams");
        static final Map<String, String> CSV_NAMES = Map.of(
                "username",
                "user_name",
                "displayName",
                "display_name",
                "email",
                "email",
                "roles",
                "roles",
                "teams",
                "team");
    }
}
