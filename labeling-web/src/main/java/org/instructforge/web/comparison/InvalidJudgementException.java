package org.instructforge.web.comparison;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A comparison judgement without a choice, or with a Likert score outside 1..7. */
@ResponseStatus(HttpStatus.BAD_REQUEST)
public class InvalidJudgementException extends RuntimeException {

    public InvalidJudgementException(String message) {
        super(message);
    }
}
