package org.instructforge.web.account;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The page behind an invitation or password-reset link, reached without signing in: the token is the credential.
 * A link that is unknown, used, replaced by a newer one or expired gets a page that says so (404 or 410), never an
 * error.
 */
@Controller
class InvitationController {

    private final AccountLinks links;

    InvitationController(AccountLinks links) {
        this.links = links;
    }

    @GetMapping({"/invitations/{token}", "/password-resets/{token}"})
    String show(@PathVariable String token, Model model, HttpServletResponse response) {
        model.addAttribute("password", ChosenPassword.empty());
        return page(token, model, response);
    }

    @PostMapping({"/invitations/{token}", "/password-resets/{token}"})
    String choose(
            @PathVariable String token,
            @Valid @ModelAttribute("password") ChosenPassword password,
            BindingResult errors,
            Model model,
            HttpServletResponse response) {
        if (!errors.hasFieldErrors("newPassword") && !password.confirmed()) {
            errors.rejectValue("confirmPassword", "password.mismatch");
        }
        if (!errors.hasErrors()) {
            try {
                links.choosePassword(token, password.newPassword());
                return "redirect:/login?passwordSet";
            } catch (InvalidPersonException e) {
                errors.rejectValue("newPassword", e.fieldCodes().get("password"));
            } catch (IllegalStateException e) {
                // Used or expired between showing the page and sending it: the page below says which.
            }
        }
        return page(token, model, response);
    }

    private static final String FORM = "account/choose-password";

    private String page(String token, Model model, HttpServletResponse response) {
        Optional<AccountLinks.LinkView> view = links.view(token);
        if (view.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("reason", "unknown");
            return "account/link-unusable";
        }
        AccountLinks.LinkView link = view.get();
        if (link.state() != AccountLink.State.USABLE) {
            response.setStatus(HttpServletResponse.SC_GONE);
            model.addAttribute("reason", link.state().name().toLowerCase(java.util.Locale.ROOT));
            return "account/link-unusable";
        }
        boolean invitation = link.purpose() == AccountLink.Purpose.INVITATION;
        model.addAttribute("invitation", invitation);
        // The form posts back to its own link; th:action also adds the CSRF token.
        model.addAttribute("formAction", (invitation ? "/invitations/" : "/password-resets/") + token);
        model.addAttribute("username", link.username());
        model.addAttribute("displayName", link.displayName());
        return FORM;
    }
}
