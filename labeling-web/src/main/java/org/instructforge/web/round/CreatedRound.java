package org.instructforge.web.round;

/**
 * A label round just started.
 *
 * @param runId the QUEUED run that writes its tasks (none for a demonstration round, which is OPEN at once)
 */
public record CreatedRound(long roundId, String kind, String name, String status, Long runId, int promptCount)
        implements java.io.Serializable {}
