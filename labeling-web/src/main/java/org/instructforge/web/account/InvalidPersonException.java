package org.instructforge.web.account;

import java.util.Map;

/** A request about a person that breaks a rule: each problem as the field it belongs to and a messages.properties code. */
class InvalidPersonException extends RuntimeException {

    private final Map<String, String> fieldCodes;

    InvalidPersonException(String field, String code) {
        this(Map.of(field, code));
    }

    InvalidPersonException(Map<String, String> fieldCodes) {
        super(fieldCodes.toString());
        this.fieldCodes = Map.copyOf(fieldCodes);
    }

    Map<String, String> fieldCodes() {
        return fieldCodes;
    }
}
