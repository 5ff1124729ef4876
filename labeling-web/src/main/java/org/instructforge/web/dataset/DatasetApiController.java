package org.instructforge.web.dataset;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DatasetApiController {

    private final Datasets datasets;

    DatasetApiController(Datasets datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/api/admin/datasets")
    List<DatasetSummary> datasets() {
        return datasets.summaries();
    }
}
