package org.instructforge.web.dataset;

import org.instructforge.shared.PromptStatus;
import org.instructforge.web.audit.AuditTrail;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/** Changes an admin makes to one prompt. */
@Service
public class PromptEditing {

    private final PromptRepository prompts;
    private final AuditTrail audit;

    PromptEditing(PromptRepository prompts, AuditTrail audit) {
        this.prompts = prompts;
        this.audit = audit;
    }

    /**
     * Retires a prompt (never sampled again; kept for the record) or brings it back.
     *
     * @return the prompt's dataset id
     */
    @Transactional
    public long retire(long promptId, boolean retired, String actor) {
        Prompt prompt = prompts.findById(promptId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No prompt with id " + promptId));
        // Brought back as ACTIVE; the next curation pass re-applies dedup and the per-user cap.
        prompt.changeStatus(retired ? PromptStatus.RETIRED : PromptStatus.ACTIVE);
        audit.record(actor, retired ? "prompt.retired" : "prompt.restored", "prompt", promptId);
        return prompt.datasetId();
    }
}
