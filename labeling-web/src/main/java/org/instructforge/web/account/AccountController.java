package org.instructforge.web.account;

import jakarta.validation.Valid;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Everyone's own account page: who they are, and changing their password. */
@Controller
class AccountController {

    private final Accounts accounts;

    AccountController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/account")
    String account(Model model) {
        model.addAttribute("password", ChosenPassword.empty());
        return "account/account";
    }

    @PostMapping("/account/password")
    String changePassword(
            @Valid @ModelAttribute("password") ChosenPassword password,
            BindingResult errors,
            Authentication user,
            RedirectAttributes flash) {
        if (!errors.hasFieldErrors("newPassword") && !password.confirmed()) {
            errors.rejectValue("confirmPassword", "password.mismatch");
        }
        if (!errors.hasErrors()) {
            try {
                accounts.changeOwnPassword(user.getName(), password.currentPassword(), password.newPassword());
                flash.addFlashAttribute("notice", "Your password is changed.");
                return "redirect:/account";
            } catch (InvalidPersonException e) {
                e.fieldCodes().forEach((field, code) -> errors.rejectValue(field, code));
            }
        }
        return "account/account";
    }
}
