package org.instructforge.web.dataset;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** An archived dataset takes no new prompts: restore it first. */
@ResponseStatus(HttpStatus.CONFLICT)
public class DatasetArchivedException extends RuntimeException {

    public DatasetArchivedException(long id) {
        super("Dataset " + id + " is archived: restore it before importing into it");
    }
}
