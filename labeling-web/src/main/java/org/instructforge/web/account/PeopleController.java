package org.instructforge.web.account;

import jakarta.validation.Valid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.instructforge.web.team.Teams;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Admins' people pages: the list, creating a person (who gets an invitation link), a person's roles and access, a
 * password-reset link, and bulk onboarding from a CSV. Links are shown on the page that answers the request, once:
 * only their hash is stored.
 */
@Controller
class PeopleController {

    /** A people file is small; this bounds what is read into memory. */
    private static final long MAX_CSV_BYTES = 1024 * 1024;

    private final Accounts accounts;
    private final PeopleImport peopleImport;
    private final Teams teams;

    PeopleController(Accounts accounts, PeopleImport peopleImport, Teams teams) {
        this.accounts = accounts;
        this.peopleImport = peopleImport;
        this.teams = teams;
    }

    @GetMapping("/admin/people")
    String people(Model model) {
        model.addAttribute("people", accounts.people());
        return "account/people";
    }

    @GetMapping("/admin/people/new")
    String newPerson(Model model) {
        model.addAttribute("person", NewPerson.empty());
        model.addAttribute("teams", teams.all());
        return "account/new";
    }

    @PostMapping("/admin/people")
    String create(
            @Valid @ModelAttribute("person") NewPerson person, BindingResult errors, Authentication user, Model model) {
        if (!errors.hasErrors()) {
            try {
                return showLinks(List.of(accounts.invite(person, user.getName())), model);
            } catch (InvalidPersonException e) {
                e.fieldCodes().forEach((field, code) -> errors.rejectValue(field, code));
            }
        }
        model.addAttribute("teams", teams.all());
        return "account/new";
    }

    @GetMapping("/admin/people/{id}")
    String person(@PathVariable long id, Model model) {
        model.addAttribute("person", accounts.person(id));
        model.addAttribute("teams", teams.teamsOf(id));
        return "account/person";
    }

    @PostMapping("/admin/people/{id}/roles")
    String roles(
            @PathVariable long id,
            @RequestParam(name = "roles", required = false) List<String> roles,
            Authentication user,
            RedirectAttributes flash) {
        try {
            accounts.changeRoles(id, roles == null ? List.of() : roles, user.getName());
            flash.addFlashAttribute(
                    "notice", "Roles saved. The person's open sessions have ended, so they apply at once.");
        } catch (InvalidPersonException e) {
            flash.addFlashAttribute("roleError", e.fieldCodes().get("roles"));
        }
        return "redirect:/admin/people/" + id;
    }

    @PostMapping("/admin/people/{id}/password-reset")
    String passwordReset(@PathVariable long id, Authentication user, Model model) {
        return showLinks(List.of(accounts.issuePasswordReset(id, user.getName())), model);
    }

    @PostMapping("/admin/people/{id}/access")
    String access(
            @PathVariable long id,
            @RequestParam boolean enabled,
            @RequestParam(required = false) String back,
            Authentication user,
            RedirectAttributes flash) {
        accounts.changeAccess(id, enabled, user.getName());
        flash.addFlashAttribute(
                "notice",
                enabled
                        ? "Account enabled."
                        : "Account disabled: it can no longer sign in, and its open sessions have ended.");
        // Only two places to go back to: never a URL taken from the request.
        return "person".equals(back) ? "redirect:/admin/people/" + id : "redirect:/admin/quality";
    }

    @PostMapping("/admin/people/{id}/labels")
    String labels(
            @PathVariable long id, @RequestParam boolean excluded, Authentication user, RedirectAttributes flash) {
        accounts.excludeLabels(id, excluded, user.getName());
        flash.addFlashAttribute(
                "notice",
                excluded
                        ? "Labels excluded from exports, training data and agreement figures."
                        : "Labels included again.");
        return "redirect:/admin/quality";
    }

    @GetMapping("/admin/people/import")
    String importForm() {
        return "account/import";
    }

    @PostMapping("/admin/people/import")
    String importCsv(
            @RequestParam(name = "file", required = false) MultipartFile file, Authentication user, Model model)
            throws IOException {
        if (file == null || file.isEmpty()) {
            model.addAttribute("badLines", List.of(new PeopleCsv.BadLine(1, "choose a CSV file")));
            return "account/import";
        }
        if (file.getSize() > MAX_CSV_BYTES) {
            model.addAttribute("badLines", List.of(new PeopleCsv.BadLine(1, "the file is over 1 MiB")));
            return "account/import";
        }
        PeopleImport.Outcome outcome =
                peopleImport.importCsv(new String(file.getBytes(), StandardCharsets.UTF_8), user.getName());
        if (!outcome.succeeded()) {
            model.addAttribute("badLines", outcome.badLines());
            return "account/import";
        }
        return showLinks(outcome.links(), model);
    }

    private static String showLinks(List<IssuedLink> links, Model model) {
        model.addAttribute(
                "links",
                links.stream()
                        .map(link -> Map.of(
                                "username", link.username(),
                                "purpose", link.purpose(),
                                "url", absolute(link.path()),
                                "expiresAt", link.expiresAt()))
                        .toList());
        return "account/links";
    }

    static String absolute(String path) {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).toUriString();
    }
}
