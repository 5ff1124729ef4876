package org.instructforge.shared.ranking;

/**
 * One comparison for the reward model: the labeler ranked {@code chosen} strictly above {@code rejected}
 * (InstructGPT's y_w and y_l in loss = -log sigmoid(r(x, y_w) - r(x, y_l))).
 *
 * @param chosen the candidate id ranked better (the winner, y_w)
 * @param rejected the candidate id ranked worse (the loser, y_l)
 */
public record PreferencePair(long chosen, long rejected) {

    public PreferencePair {
        if (chosen == rejected) {
            throw new IllegalArgumentException(
                    "a preference pair needs two different candidates, got " + chosen + " twice");
        }
    }
}
