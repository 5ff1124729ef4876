package org.instructforge.web.round;

/**
 * A demonstration round: {@code promptCount} fresh prompts (no submitted demonstration yet) of a dataset's TRAIN or
 * VALID split, fixed when the round starts.
 */
public record DemonstrationRoundForm(String name, Long datasetId, String split, Integer promptCount)
        implements RoundForm {

    static DemonstrationRoundForm defaults(String name) {
        return new DemonstrationRoundForm(name, null, "TRAIN", 50);
    }
}
