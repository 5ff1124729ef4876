package org.instructforge.training.runs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.RunExecutor;
import tools.jackson.databind.JsonNode;

/**
 * A run this worker holds: what to do, with which data, from which checkpoints.
 *
 * @param attempt 1 on the first claim; more when a dead worker's run is resumed. With {@code worker} it fences every
 *     write for the run ({@link RunFence}): a later claim makes this one's writes land nowhere.
 * @param worker the worker that claimed it (its {@code worker_id})
 * @param executor whether this worker trains it or hands it to Ray
 */
record ClaimedRun(
        long id,
        RunType type,
        String name,
        JsonNode hyperparameters,
        DataSelection data,
        Long startCheckpointId,
        Long rewardCheckpointId,
        Long labelRoundId,
        int attempt,
        String worker,
        Instant createdAt,
        RunExecutor executor) {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /**
     * The run's folder name, {@code run-N-yyyyMMdd-HHmmss}: the creation time keeps a run from resuming the state of
     * another run that had the same number in an earlier database.
     */
    String folderName() {
        return "run-" + id + "-" + STAMP.format(createdAt);
    }

    /** The name its output checkpoint gets: the engineer's, else the type and run number. */
    String outputName() {
        return name == null || name.isBlank() ? type.name().toLowerCase() + "-run-" + id : name.strip();
    }
}
