package org.instructforge.web.demonstration;

import jakarta.validation.constraints.NotBlank;

/**
 * A demonstration's text, bound from the demonstration and revise pages' form and read from the labeler API's
 * JSON. Its length limit is a setting ({@code instructforge.labeling.max-demonstration-chars}), checked by
 * {@link DemonstrationWork} (413); the API, which does not validate the body, gets the blank check there as well.
 */
record DemonstrationForm(
        @NotBlank(message = "{demonstration.text.required}") String text) {

    DemonstrationForm {
        text = text == null ? "" : text;
    }
}
