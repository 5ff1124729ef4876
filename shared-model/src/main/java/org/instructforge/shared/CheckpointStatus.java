package org.instructforge.shared;

/** A checkpoint is WRITING until its directory is complete; only READY ones are listed and used. */
public enum CheckpointStatus {
    WRITING,
    READY,
    FAILED,
    DELETED
}
