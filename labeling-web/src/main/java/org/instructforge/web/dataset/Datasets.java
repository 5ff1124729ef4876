package org.instructforge.web.dataset;

import java.util.List;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating prompt datasets, adding prompts to them, and summarising them. */
@Service
public class Datasets {

    private final PromptDatasetRepository datasets;
    private final PromptRepository prompts;
    private final AuditTrail audit;

    Datasets(PromptDatasetRepository datasets, PromptRepository prompts, AuditTrail audit) {
        this.datasets = datasets;
        this.prompts = prompts;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    public List<DatasetSummary> summaries() {
        return datasets.summaries();
    }

    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return datasets.findByName(name).isPresent();
    }

    /**
     * Creates the dataset if no dataset has this name, and adds the prompts it does not hold yet.
     *
     * @return how many prompts were added (prompts already present by exact content are skipped)
     */
    @Transactional
    public int createWithPrompts(
            String name, String description, String guidelines, List<NewPrompt> newPrompts, String actor) {
        PromptDataset dataset = datasets.findByName(name).orElseGet(() -> {
            PromptDataset created = datasets.save(new PromptDataset(name, description, guidelines));
            audit.record(actor, "dataset.created", "prompt_dataset", created.getId(), "name", name);
            return created;
        });
        int added = 0;
        for (NewPrompt p : newPrompts) {
            Prompt prompt = new Prompt(dataset, p.text(), p.sourceUserId(), p.sourceKind(), p.category());
            if (!prompts.existsByDatasetAndContentHash(dataset, prompt.getContentHash())) {
                prompts.save(prompt);
                added++;
            }
        }
        if (added > 0) {
            audit.record(actor, "dataset.prompts_added", "prompt_dataset", dataset.getId(), "count", added);
        }
        return added;
    }
}
