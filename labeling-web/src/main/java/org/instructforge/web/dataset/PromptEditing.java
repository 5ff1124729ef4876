package org.instructforge.web.dataset;

import org.instructforge.shared.PromptStatus;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.labeling.TaskQueue;
import org.instructforge.web.pii.PiiReview;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/** Changes an admin makes to one prompt. */
@Service
public class PromptEditing {

    private final PromptRepository prompts;
    private final PiiReview piiReview;
    private final AuditTrail audit;
    private final TaskQueue queue;
    private final Datasets datasets;

    PromptEditing(PromptRepository prompts, PiiReview piiReview, AuditTrail audit, TaskQueue queue, Datasets datasets) {
        this.prompts = prompts;
        this.datasets = datasets;
        this.piiReview = piiReview;
        this.audit = audit;
        this.queue = queue;
    }

    @Transactional(readOnly = true)
    public PromptEdit current(long promptId) {
        Prompt prompt = find(promptId);
        return new PromptEdit(prompt.getText(), prompt.category());
    }

    /**
     * Changes a prompt's text and category. The new text is scanned for PII again, so an edit can never
     * slip personal data past the review queue; its dedup key follows at the next curation. When the new text waits
     * for review, the prompt's open leases end at once (drafts are kept) and no queue offers it until it is cleared.
     *
     * @return the prompt's dataset id
     */
    @Transactional
    public long edit(long promptId, PromptEdit edit, String actor) {
        Prompt prompt = find(promptId);
        prompt.edit(edit.text(), edit.category());
        prompts.flush();
        var piiStatus = piiReview.rescan(promptId, edit.text(), datasets.phoneRegions(prompt.datasetId()));
        queue.expireLeases();
        audit.record(actor, "prompt.edited", "prompt", promptId, "piiStatus", piiStatus.name());
        return prompt.datasetId();
    }

    private Prompt find(long promptId) {
        return prompts.findById(promptId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No prompt with id " + promptId));
    }

    /**
     * Retires a prompt (never sampled again; kept for the record) or brings it back.
     *
     * @return the prompt's dataset id
     */
    @Transactional
    public long retire(long promptId, boolean retired, String actor) {
        Prompt prompt = find(promptId);
        // Brought back as ACTIVE; the next curation pass re-applies dedup and the per-user cap.
        prompt.changeStatus(retired ? PromptStatus.RETIRED : PromptStatus.ACTIVE);
        prompts.flush();
        queue.expireLeases(); // a retired prompt's open leases end at once, as after an edit that needs review
        audit.record(actor, retired ? "prompt.retired" : "prompt.restored", "prompt", promptId);
        return prompt.datasetId();
    }
}
