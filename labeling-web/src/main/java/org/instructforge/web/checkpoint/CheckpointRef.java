package org.instructforge.web.checkpoint;

import org.instructforge.shared.CheckpointKind;

/**
 * A checkpoint named from another one (its lineage, a round's models).
 *
 * @param listed whether it is READY, so its page exists; an ancestor may since have been deleted
 */
public record CheckpointRef(long id, String name, CheckpointKind kind, boolean listed)
        implements java.io.Serializable {}
