package org.instructforge.web.ranking;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A ranking that does not describe a complete order of the task's outputs, or holds a value out of range. When one
 * field is at fault, {@link #field()} names it as the page's form does ({@code ranks[12]},
 * {@code likert[12]}, {@code reason}), so the page can say it beside that field; the API answers the message alone.
 */
@ResponseStatus(HttpStatus.BAD_REQUEST)
public class InvalidRankingException extends RuntimeException {

    private final String field;

    public InvalidRankingException(String message) {
        this(message, null);
    }

    InvalidRankingException(String message, String field) {
        super(message);
        this.field = field;
    }

    /** A rank outside 1..k, k being the number of outputs. */
    static InvalidRankingException badRank(long candidateId, Object value, int k) {
        return new InvalidRankingException(
                "A rank is a whole number from 1 to " + k + " (1 = best), not " + value + ".",
                "ranks[" + candidateId + "]");
    }

    /** A Likert score that is not a whole number from 1 to 7. */
    static InvalidRankingException badScore(long candidateId, Object value) {
        return new InvalidRankingException(
                "A quality score is a whole number from 1 to 7, not " + value + ".", "likert[" + candidateId + "]");
    }

    /** The form field at fault, or null when the ranking as a whole is. */
    String field() {
        return field;
    }
}
