package org.instructforge.web.ranking;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A ranking that does not describe a complete order of the task's outputs. */
@ResponseStatus(HttpStatus.BAD_REQUEST)
public class InvalidRankingException extends RuntimeException {

    public InvalidRankingException(String message) {
        super(message);
    }
}
