package org.instructforge.shared.run;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a run's training happens, chosen per run ({@code training_run.executor}, V064): on the worker that claims it,
 * or handed by that worker to a Ray cluster (OpenRLHF through the Ray Jobs API) for models larger than one machine.
 */
public enum RunExecutor {
    /** The claiming worker trains it with InstructForge's own trainers. */
    LOCAL,
    /** The claiming worker submits it to a Ray cluster as an OpenRLHF job and follows it. */
    RAY;

    /** The column's value: {@code local} or {@code ray}. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Blank means {@link #LOCAL}; otherwise {@code local} or {@code ray} in any case; anything else is empty. */
    public static Optional<RunExecutor> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(LOCAL);
        }
        for (RunExecutor e : values()) {
            if (e.column().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
