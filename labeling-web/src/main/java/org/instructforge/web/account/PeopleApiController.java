package org.instructforge.web.account;

import jakarta.validation.Valid;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.web.system.FieldErrorsApi;
import org.instructforge.web.system.StorableText;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * People over the API, for scripts: the same rules as the pages. Problems answer 400 with
 * {@code {"errors": {field: message}}}; a CSV with bad lines also lists them as {@code "lines": [{line, reason}]}.
 */
@RestController
@FieldErrorsApi
class PeopleApiController {

    /** The roles to give an account, for {@code PUT .../roles}. */
    record RoleList(List<String> roles) {}

    private final Accounts accounts;
    private final PeopleImport peopleImport;
    private final MessageSource messages;

    PeopleApiController(Accounts accounts, PeopleImport peopleImport, MessageSource messages) {
        this.accounts = accounts;
        this.peopleImport = peopleImport;
        this.messages = messages;
    }

    @GetMapping("/api/admin/people")
    List<Person> people() {
        return accounts.people();
    }

    @GetMapping("/api/admin/people/{id}")
    Person person(@PathVariable long id) {
        return accounts.person(id);
    }

    /** Creates the account; the answer holds its invitation link, the only time it is shown. */
    @PostMapping("/api/admin/people")
    ResponseEntity<Map<String, Object>> create(@Valid @RequestBody NewPerson person, Authentication user) {
        IssuedLink link = accounts.invite(person, user.getName());
        return ResponseEntity.created(URI.create("/api/admin/people/" + link.userId()))
                .body(Map.of("person", accounts.person(link.userId()), "invitation", view(link)));
    }

    @PutMapping("/api/admin/people/{id}/roles")
    Person roles(@PathVariable long id, @RequestBody RoleList body, Authentication user) {
        return accounts.changeRoles(id, body.roles() == null ? List.of() : body.roles(), user.getName());
    }

    @PostMapping("/api/admin/people/{id}/disable")
    Person disable(@PathVariable long id, Authentication user) {
        accounts.changeAccess(id, false, user.getName());
        return accounts.person(id);
    }

    @PostMapping("/api/admin/people/{id}/enable")
    Person enable(@PathVariable long id, Authentication user) {
        accounts.changeAccess(id, true, user.getName());
        return accounts.person(id);
    }

    @PostMapping("/api/admin/people/{id}/password-reset")
    Map<String, Object> passwordReset(@PathVariable long id, Authentication user) {
        return view(accounts.issuePasswordReset(id, user.getName()));
    }

    /** Bulk onboarding: the CSV as the request body; all or nothing. */
    @PostMapping("/api/admin/people/import")
    ResponseEntity<Map<String, Object>> importCsv(@RequestBody(required = false) byte[] body, Authentication user) {
        if (body == null || body.length == 0) {
            return ResponseEntity.badRequest().body(Map.of("errors", Map.of("file", "the file is empty")));
        }
        PeopleImport.Outcome outcome = peopleImport.importCsv(new String(body, StandardCharsets.UTF_8), user.getName());
        if (!outcome.succeeded()) {
            return ResponseEntity.badRequest()
                    .body(Map.of(
                            "errors", Map.of("file", outcome.badLines().size() + " bad lines: nobody was created"),
                            "lines", outcome.badLines()));
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(Map.of(
                        "invitations",
                        outcome.links().stream().map(PeopleApiController::view).toList()));
    }

    private static Map<String, Object> view(IssuedLink link) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("username", link.username());
        view.put("purpose", link.purpose());
        view.put("url", PeopleController.absolute(link.path()));
        view.put("expiresAt", link.expiresAt());
        return view;
    }

    @ExceptionHandler(InvalidPersonException.class)
    ResponseEntity<Map<String, Map<String, String>>> invalid(InvalidPersonException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.fieldCodes().forEach((field, code) -> errors.put(field, messages.getMessage(code, null, Locale.ENGLISH)));
        return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Map<String, String>>> unreadable(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof StorableText.UnstorableTextException unstorable
                && e.getCause() instanceof JacksonException json
                && !json.getPath().isEmpty()) {
            // the one rule for text that cannot be stored (StorableText), reported beside its field like the others
            String field = json.getPath().get(json.getPath().size() - 1).getPropertyName();
            return ResponseEntity.badRequest().body(Map.of("errors", Map.of(field, unstorable.getMessage())));
        }
        String detail = e.getMostSpecificCause().getMessage();
        String first =
                detail == null ? "unreadable" : detail.lines().findFirst().orElse(detail);
        return ResponseEntity.badRequest()
                .body(Map.of(
                        "errors",
                        Map.of(
                                "body",
                                "not the JSON this call takes: "
                                        + (first.length() > 300 ? first.substring(0, 300) : first))));
    }
}
