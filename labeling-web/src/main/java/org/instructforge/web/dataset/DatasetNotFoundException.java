package org.instructforge.web.dataset;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A dataset id that names no dataset: a 404 for pages and the API alike. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class DatasetNotFoundException extends RuntimeException {

    public DatasetNotFoundException(long id) {
        super("No prompt dataset with id " + id);
    }
}
