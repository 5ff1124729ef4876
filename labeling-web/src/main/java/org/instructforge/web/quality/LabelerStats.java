package org.instructforge.web.quality;

/**
 * One labeler's work and quality, for the admin; people's own labels only (AI feedback is counted apart, in
 * {@link QualityReport.AiFeedback}).
 *
 * @param agreement share of candidate pairs on which they agree with the other labelers of the same items
 *     (null until they share an item with someone)
 * @param goldAccuracy share of gold items' ordered pairs they order as the gold does (null without gold items)
 * @param medianSecondsPerRanking median time on a ranking page (null without timed rankings)
 * @param reviewed their demonstrations and rankings a reviewer has decided on
 * @param acceptanceRate the share of those accepted (with or without an edit); null before the first review
 */
public record LabelerStats(
        long id,
        String username,
        String displayName,
        boolean enabled,
        boolean labelsExcluded,
        long demonstrations,
        long rankings,
        long comparisons,
        long tasksToday,
        long tasksThisWeek,
        long skipped,
        Double medianSecondsPerRanking,
        Double agreement,
        Double goldAccuracy,
        long reviewed,
        Double acceptanceRate) {}
