package org.instructforge.web.training;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class EngineerApiController {

    private final TrainingOverview overview;

    EngineerApiController(TrainingOverview overview) {
        this.overview = overview;
    }

    @GetMapping("/api/engineer/runs")
    List<RunView> runs() {
        return overview.recentRuns();
    }

    @GetMapping("/api/engineer/checkpoints")
    List<CheckpointView> checkpoints() {
        return overview.checkpoints();
    }
}
