package org.instructforge.web.training;

import java.util.List;
import org.instructforge.shared.CheckpointStatus;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The ML engineer's view of runs and checkpoints. */
@Service
public class TrainingOverview {

    private static final int RECENT_RUNS = 50;

    private final TrainingRunRepository runs;
    private final ModelCheckpointRepository checkpoints;

    TrainingOverview(TrainingRunRepository runs, ModelCheckpointRepository checkpoints) {
        this.runs = runs;
        this.checkpoints = checkpoints;
    }

    @Transactional(readOnly = true)
    public List<RunView> recentRuns() {
        return runs.findByOrderByIdDesc(Limit.of(RECENT_RUNS)).stream()
                .map(TrainingRun::toView)
                .toList();
    }

    @Transactional(readOnly = true)
    public List<CheckpointView> checkpoints() {
        return checkpoints.findListed(CheckpointStatus.READY).stream()
                .map(ModelCheckpoint::toView)
                .toList();
    }
}
