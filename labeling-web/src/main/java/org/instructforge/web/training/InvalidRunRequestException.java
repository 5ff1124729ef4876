package org.instructforge.web.training;

import java.util.Map;

/** A run request with something wrong, per field: the form shows each message beside its field, the API sends them. */
class InvalidRunRequestException extends RuntimeException {

    private final Map<String, String> errors;

    InvalidRunRequestException(Map<String, String> errors) {
        super("Invalid run request: " + errors);
        // In the order they were found: the form's order, top to bottom.
        this.errors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errors));
    }

    Map<String, String> errors() {
        return errors;
    }
}
