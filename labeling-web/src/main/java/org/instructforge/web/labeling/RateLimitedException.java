package org.instructforge.web.labeling;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

@ResponseStatus(HttpStatus.TOO_MANY_REQUESTS)
class RateLimitedException extends RuntimeException {

    RateLimitedException(int perMinute) {
        super("You have taken " + perMinute + " tasks in the last minute: wait a moment before taking another.");
    }
}
