package org.instructforge.web.team;

import java.util.List;

/**
 * A team of labelers and the datasets given to it. A dataset given to no team is open to every labeler; one given to
 * teams is offered only to their members (the rule is {@code dataset_open_to} in the schema, V040).
 */
public record Team(long id, String name, List<Member> members, List<DatasetRef> datasets) {

    /** A person in the team. */
    public record Member(long id, String username, String displayName) {}

    /** A dataset given to the team. */
    public record DatasetRef(long id, String name) {}
}
