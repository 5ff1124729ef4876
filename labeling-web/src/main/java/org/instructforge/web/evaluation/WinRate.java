package org.instructforge.web.evaluation;

/**
 * How often the candidate (A) beat the baseline (B) in blind pairwise judgements. Ties and "both bad" count as
 * half a win for each side (neither output was preferred), as Chatbot Arena counts them.
 *
 * @param aWins judgements preferring the candidate
 * @param bWins judgements preferring the baseline
 * @param ties judgements calling both outputs equally good
 * @param bothBad judgements calling both outputs bad
 */
public record WinRate(long aWins, long bWins, long ties, long bothBad) {

    /** z for a two-sided 95 % interval. */
    private static final double Z95 = 1.959964;

    public static final WinRate NONE = new WinRate(0, 0, 0, 0);

    public long judgements() {
        return aWins + bWins + ties + bothBad;
    }

    /** Wins plus half of every tie and both-bad judgement. */
    public double score() {
        return aWins + (ties + bothBad) / 2.0;
    }

    /** The candidate's win rate, or NaN before the first judgement. */
    public double rate() {
        return judgements() == 0 ? Double.NaN : score() / judgements();
    }

    /** The Wilson score interval of {@link #rate()} (null before the first judgement). */
    public Interval interval() {
        return judgements() == 0 ? null : wilson(score(), judgements(), Z95);
    }

    /**
     * Wilson score interval for {@code successes} out of {@code n} (Wilson 1927). Unlike the normal approximation
     * p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and is not degenerate at 0 % or 100 %, which small evaluation
     * rounds reach easily. Half successes (ties) are allowed.
     */
    static Interval wilson(double successes, long n, double z) {
        double p = successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(Math.max(0, centre - margin), Math.min(1, centre + margin));
    }

    WinRate plus(String preferredByCandidate) {
        return switch (preferredByCandidate) {
            case "A" -> new WinRate(aWins + 1, bWins, ties, bothBad);
            case "B" -> new WinRate(aWins, bWins + 1, ties, bothBad);
            case "TIE" -> new WinRate(aWins, bWins, ties + 1, bothBad);
            case "BOTH_BAD" -> new WinRate(aWins, bWins, ties, bothBad + 1);
            default -> throw new IllegalArgumentException("Unknown judgement " + preferredByCandidate);
        };
    }
}
