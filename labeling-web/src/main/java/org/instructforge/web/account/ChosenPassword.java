package org.instructforge.web.account;

import jakarta.validation.constraints.NotBlank;

/**
 * A new password typed twice, bound from the invitation/reset page and the account page. The policy itself
 * (length, common passwords) is {@link PasswordPolicy}'s; here only that something was typed.
 *
 * @param currentPassword asked on the account page only (blank on a link's page)
 */
public record ChosenPassword(
        String currentPassword,
        @NotBlank(message = "{password.required}") String newPassword,
        String confirmPassword) {

    public static ChosenPassword empty() {
        return new ChosenPassword("", "", "");
    }

    boolean confirmed() {
        return newPassword != null && newPassword.equals(confirmPassword);
    }
}
