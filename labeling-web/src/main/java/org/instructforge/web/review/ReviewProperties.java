package org.instructforge.web.review;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which labelers' work every reviewer sees, whatever the dataset's review share.
 *
 * @param goldAccuracyFloor a labeler whose gold accuracy (as the quality page shows it) is below this share is
 *     flagged, and all their unreviewed demonstrations and rankings join the review queue (default 0.6)
 * @param minGoldItems the gold items a labeler must have ranked before their accuracy flags them (default 2): one
 *     gold item is too few to judge anybody by
 */
@ConfigurationProperties("instructforge.review")
public record ReviewProperties(Double goldAccuracyFloor, Integer minGoldItems) {

    public ReviewProperties {
        if (goldAccuracyFloor == null) {
            goldAccuracyFloor = 0.6;
        }
        if (minGoldItems == null) {
            minGoldItems = 2;
        }
    }
}
