package org.instructforge.web.dataset;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Dataset names are unique: they are how admins and exports refer to them. */
@ResponseStatus(HttpStatus.CONFLICT)
public class DuplicateDatasetNameException extends RuntimeException {

    public DuplicateDatasetNameException(String name) {
        super("A dataset named '" + name + "' exists already");
    }
}
