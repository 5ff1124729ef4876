package org.instructforge.web.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.instructforge.shared.Split;

/**
 * Assigns a split to a source user, following InstructGPT: splits are made by user ID, so no user's
 * prompts appear in two splits. The user's place in [0, 1) comes from a hash of the dataset and user IDs:
 * the same user always lands in the same split (stable across re-runs and re-imports), and adding users
 * never moves existing ones.
 *
 * @param train the share of users in the training split
 * @param valid the share in validation; the rest are test
 */
public record SplitRatios(double train, double valid) {

    public Split splitFor(long datasetId, String sourceUserId) {
        double u = unitInterval(datasetId + ":" + sourceUserId);
        if (u < train) {
            return Split.TRAIN;
        }
        return u < train + valid ? Split.VALID : Split.TEST;
    }

    /** The first 53 bits of SHA-256, as a double in [0, 1). */
    static double unitInterval(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (hash[i] & 0xff);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
