package org.instructforge.shared;

/** The kinds of user. Stored by name in {@code app_user_role.role}. */
public enum Role {
    /** Writes demonstrations, ranks candidate outputs, judges comparisons. */
    LABELER,
    /** Curates prompt datasets, scrubs PII, manages people and watches label quality. */
    ADMIN,
    /** Launches training runs, watches curves, publishes checkpoints. */
    ML_ENGINEER,
    /** Checks submitted demonstrations and rankings: accepts, edits or rejects them (held beside LABELER). */
    REVIEWER;

    /** The Spring Security authority for this role, e.g. {@code ROLE_ADMIN}. */
    public String authority() {
        return "ROLE_" + name();
    }
}
