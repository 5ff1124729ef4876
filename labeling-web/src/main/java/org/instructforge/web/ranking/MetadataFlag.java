package org.instructforge.web.ranking;

/**
 * The InstructGPT metadata labels a labeler may set on each output (Ouyang et al. 2022, Table 3), stored as
 * one boolean column each in {@code ranking_entry}.
 */
public enum MetadataFlag {
    FAILS_INSTRUCTION("Fails to follow the instruction"),
    INAPPROPRIATE_FOR_CUSTOMER("Inappropriate for a customer assistant"),
    HALLUCINATION("Hallucination (makes up facts)"),
    SATISFIES_CONSTRAINT("Satisfies the constraint in the instruction"),
    SEXUAL_CONTENT("Sexual content"),
    VIOLENT_CONTENT("Violent content"),
    ENCOURAGES_VIOLENCE("Encourages violence, abuse, terrorism or self-harm"),
    DENIGRATES_PROTECTED_CLASS("Denigrates a protected class"),
    HARMFUL_ADVICE("Gives harmful advice"),
    EXPRESSES_OPINION("Expresses an opinion"),
    EXPRESSES_MORAL_JUDGMENT("Expresses a moral judgment");

    private final String label;

    MetadataFlag(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Its boolean column in {@code ranking_entry}, named like the flag. */
    public String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
