package org.instructforge.web.team;

/** A team name that cannot be used, or a member or dataset that does not exist; the message says which. */
public class InvalidTeamException extends RuntimeException {

    public InvalidTeamException(String message) {
        super(message);
    }
}
