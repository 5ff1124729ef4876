package org.instructforge.web.dataset;

import java.util.List;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.labeling.TaskQueue;
import org.instructforge.web.pii.PhoneRegions;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/** Creating prompt datasets, adding prompts to them, and summarising them. */
@Service
public class Datasets {

    private final PromptDatasetRepository datasets;
    private final AuditTrail audit;

    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    Datasets(PromptDatasetRepository datasets, AuditTrail audit, org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        this.datasets = datasets;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    public List<DatasetSummary> summaries() {
        return datasets.summaries();
    }

    @Transactional(readOnly = true)
    public DatasetDetail detail(long id) {
        PromptDataset dataset = find(id);
        DatasetSummary summary = datasets.summary(id).orElseThrow(() -> new DatasetNotFoundException(id));
        return new DatasetDetail(id, dataset.getStatus().name(), dataset.settings(), summary);
    }

    /** Creates a dataset; the name must be free. */
    @Transactional
    public long create(DatasetSettings settings, String actor) {
        requireFreeName(settings.name(), null);
        PromptDataset dataset = datasets.save(new PromptDataset(settings));
        audit.record(actor, "dataset.created", "prompt_dataset", dataset.getId(), "name", dataset.getName());
        return dataset.getId();
    }

    @Transactional
    public void update(long id, DatasetSettings settings, String actor) {
        PromptDataset dataset = find(id);
        requireFreeName(settings.name(), id);
        dataset.configure(settings);
        audit.record(actor, "dataset.updated", "prompt_dataset", id, "settings", settings);
    }

    @Transactional
    public void archive(long id, boolean archived, String actor) {
        PromptDataset dataset = find(id);
        if (archived) {
            dataset.archive();
        } else {
            dataset.restore();
        }
        audit.record(actor, archived ? "dataset.archived" : "dataset.restored", "prompt_dataset", id);
    }

    /** The dataset an import adds to; archived datasets take no new prompts. */
    @Transactional(readOnly = true)
    public DatasetImportTarget importTarget(long id) {
        PromptDataset dataset = find(id);
        if (dataset.getStatus() == PromptDataset.Status.ARCHIVED) {
            throw new DatasetArchivedException(id);
        }
        return new DatasetImportTarget(
                id, dataset.getDedupPrefixChars(), dataset.splitRatios(), dataset.phoneRegions());
    }

    /**
     * The regions in which the PII scanner reads phone numbers of this dataset's prompts: the one answer for
     * every scan of a dataset's text (imports through {@link #importTarget}, edits through {@link PromptEditing}).
     */
    @Transactional(readOnly = true)
    public PhoneRegions phoneRegions(long id) {
        return find(id).phoneRegions();
    }

    /** A prompt as a labeler sees it: its text, its dataset and that dataset's guidelines. */
    public record PromptForLabeling(long promptId, String text, String datasetName, String guidelines) {}

    /**
     * The one way a prompt's text reaches a labeler's task (demonstration, ranking or comparison): only while the
     * prompt is usable (V027), so a prompt sent back to PII review is not shown even on a task leased before.
     */
    @Transactional(readOnly = true)
    public PromptForLabeling promptForLabeling(long promptId) {
        record Row(PromptForLabeling prompt, boolean usable) {}
        Row row = jdbc.sql("""
                        SELECT p.id, p.text, d.name, d.guidelines, prompt_usable(p) FROM prompt p
                        JOIN prompt_dataset d ON d.id = p.dataset_id WHERE p.id = :p""")
                .param("p", promptId)
                .query((rs, n) -> new Row(
                        new PromptForLabeling(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getBoolean(5)))
                .optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No prompt " + promptId));
        if (!row.usable()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, TaskQueue.PROMPT_WITHDRAWN);
        }
        return row.prompt();
    }

    private PromptDataset find(long id) {
        return datasets.findById(id).orElseThrow(() -> new DatasetNotFoundException(id));
    }

    private void requireFreeName(String name, Long exceptId) {
        datasets.findByName(name.strip())
                .filter(other -> !other.getId().equals(exceptId))
                .ifPresent(other -> {
                    throw new DuplicateDatasetNameException(name.strip());
                });
    }

    /** The id of the dataset with this name, if there is one. */
    @Transactional(readOnly = true)
    public java.util.Optional<Long> idOf(String name) {
        return datasets.findByName(name).map(PromptDataset::getId);
    }
}
