package org.instructforge.web.training;

import java.util.List;
import org.instructforge.shared.CheckpointStatus;
import org.instructforge.web.checkpoint.Checkpoint;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.instructforge.web.checkpoint.CheckpointRef;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The ML engineer's view of runs and checkpoints. */
@Service
public class TrainingOverview {

    private static final int RECENT_RUNS = 50;

    private final TrainingRunRepository runs;
    private final CheckpointCatalog checkpoints;

    TrainingOverview(TrainingRunRepository runs, CheckpointCatalog checkpoints) {
        this.runs = runs;
        this.checkpoints = checkpoints;
    }

    @Transactional(readOnly = true)
    public List<RunView> recentRuns() {
        return runs.findByOrderByIdDesc(Limit.of(RECENT_RUNS)).stream()
                .map(TrainingRun::toView)
                .toList();
    }

    /** READY checkpoints, newest first, each with the name of the one it was trained from. */
    @Transactional(readOnly = true)
    public List<CheckpointView> checkpoints() {
        return checkpoints.listed().stream().map(TrainingOverview::view).toList();
    }

    private static CheckpointView view(Checkpoint checkpoint) {
        List<CheckpointRef> lineage = checkpoint.lineage();
        return new CheckpointView(
                checkpoint.id(),
                checkpoint.name(),
                checkpoint.kind(),
                lineage.isEmpty() ? null : lineage.get(lineage.size() - 1).name(),
                CheckpointStatus.READY,
                checkpoint.currentPolicy(),
                checkpoint.createdAt());
    }
}
