package org.instructforge.web.dataset;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.instructforge.shared.PromptCategory;

/** An admin's correction of one prompt, bound from the edit form. */
public record PromptEdit(
        @NotBlank(message = "{prompt.text.required}") @Size(max = 20000, message = "{prompt.text.size}")
        String text,

        @NotNull PromptCategory category) {}
