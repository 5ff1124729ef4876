package org.instructforge.training.hub;

import java.io.IOException;

/** The Hub could not be reached or refused a request; the message is one line a user can act on. */
public final class HubException extends IOException {

    HubException(String message) {
        super(message);
    }
}
