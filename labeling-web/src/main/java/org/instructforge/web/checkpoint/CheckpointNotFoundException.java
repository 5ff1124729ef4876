package org.instructforge.web.checkpoint;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** No READY checkpoint has this id: half-written, failed and deleted ones do not exist for users. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class CheckpointNotFoundException extends RuntimeException {

    public CheckpointNotFoundException(long id) {
        super("No ready checkpoint with id " + id);
    }
}
