package org.instructforge.web.dataset;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.instructforge.web.system.FieldErrorsApi;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Datasets over the API, for scripts: list, create, read, configure and curate. Invalid settings answer 400 with
 * {@code {"errors": {field: message}}}, the messages the form shows beside its fields.
 */
@RestController
@FieldErrorsApi
class DatasetApiController {

    private final Datasets datasets;
    private final Curation curation;

    DatasetApiController(Datasets datasets, Curation curation) {
        this.datasets = datasets;
        this.curation = curation;
    }

    @GetMapping("/api/admin/datasets")
    List<DatasetSummary> datasets() {
        return datasets.summaries();
    }

    @PostMapping("/api/admin/datasets")
    ResponseEntity<DatasetDetail> create(@Valid @RequestBody DatasetSettings settings, Authentication user) {
        long id = datasets.create(settings, user.getName());
        return ResponseEntity.created(URI.create("/api/admin/datasets/" + id)).body(datasets.detail(id));
    }

    @GetMapping("/api/admin/datasets/{id}")
    DatasetDetail dataset(@PathVariable long id) {
        return datasets.detail(id);
    }

    @PutMapping("/api/admin/datasets/{id}")
    DatasetDetail update(@PathVariable long id, @Valid @RequestBody DatasetSettings settings, Authentication user) {
        datasets.update(id, settings, user.getName());
        return datasets.detail(id);
    }

    @PostMapping("/api/admin/datasets/{id}/curate")
    CurationReport curate(@PathVariable long id, Authentication user) {
        return curation.curate(id, user.getName());
    }
}
