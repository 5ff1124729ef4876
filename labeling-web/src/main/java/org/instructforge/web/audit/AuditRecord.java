package org.instructforge.web.audit;

import java.time.Instant;

/** A read-only view of an audit log line. */
public record AuditRecord(
        Instant occurredAt, String actor, String action, String targetType, String targetId, String details) {}
