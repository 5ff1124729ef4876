package org.instructforge.web.evaluation;

/**
 * The candidate's results in one round from one source of judgements (people, or AI feedback).
 *
 * @param winRate wins plus half the ties and both-bad judgements, over all judgements; null before the first
 * @param interval the 95 % Wilson score interval of the win rate; null before the first judgement
 */
public record Result(WinRate counts, Double winRate, Interval interval) {

    static Result of(WinRate counts) {
        return counts.judgements() == 0
                ? new Result(counts, null, null)
                : new Result(counts, counts.rate(), counts.interval());
    }
}
