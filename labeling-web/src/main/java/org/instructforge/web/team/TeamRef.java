package org.instructforge.web.team;

/** A team's id and name, for choosers and filters. */
public record TeamRef(long id, String name) {}
