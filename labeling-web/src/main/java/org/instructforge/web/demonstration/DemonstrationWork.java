package org.instructforge.web.demonstration;

import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.labeling.ApiTask;
import org.instructforge.web.labeling.LabelingProperties;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.RunUse;
import org.instructforge.web.labeling.TaskContent;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/** Writing a demonstration: the task, its autosaved draft, and the submission. */
@Service
public class DemonstrationWork implements TaskContent {

    private final TaskQueue queue;
    private final Datasets datasets;
    private final DemonstrationRepository demonstrations;
    private final RunUse runUse;
    private final JdbcClient jdbc;
    private final int maxChars;

    DemonstrationWork(
            TaskQueue queue,
            Datasets datasets,
            DemonstrationRepository demonstrations,
            LabelingProperties properties,
            RunUse runUse,
            JdbcClient jdbc) {
        this.queue = queue;
        this.datasets = datasets;
        this.demonstrations = demonstrations;
        this.maxChars = properties.maxDemonstrationChars();
        this.runUse = runUse;
        this.jdbc = jdbc;
    }

    /** A submitted demonstration as its revision page shows it. */
    public record Revisable(long demonstrationId, String prompt, String text, int maxChars, String notRevisable) {}

    @Transactional(readOnly = true)
    public Revisable revisable(long demonstrationId, String username) {
        Demonstration demonstration = demonstrations
                .findById(demonstrationId)
                .filter(d -> d.getLabelerId() == queue.labelerId(username) && d.submitted())
                .orElseThrow(() -> notYours(demonstrationId));
        return new Revisable(
                demonstrationId,
                datasets.promptForLabeling(demonstration.getPromptId()).text(),
                demonstration.getText(),
                maxChars,
                runUse.whyNotRevisable(RunUse.Label.DEMONSTRATION, demonstrationId)
                        .orElse(null));
    }

    /**
     * Revises a submitted demonstration: refused (409) once a training run has read it or a reviewer has decided on it; the replaced text is kept as
     * an earlier version for the labeler's history. The same text again changes nothing.
     */
    @Transactional
    public void revise(long demonstrationId, String username, String text) {
        if (text == null || text.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Write an answer before submitting.");
        }
        checkLength(text);
        Demonstration demonstration = demonstrations
                .lockById(demonstrationId)
                .filter(d -> d.getLabelerId() == queue.labelerId(username) && d.submitted())
                .orElseThrow(() -> notYours(demonstrationId));
        runUse.requireRevisable(RunUse.Label.DEMONSTRATION, demonstrationId);
        if (demonstration.getText().equals(text.strip())) {
            return;
        }
        Demonstration.PriorVersion prior = demonstration.revise(text.strip());
        demonstrations.save(demonstration);
        jdbc.sql("INSERT INTO demonstration_revision (demonstration_id, text, submitted_at) VALUES (:d, :text, :at)")
                .param("d", demonstrationId)
                .param("text", prior.text())
                .param("at", java.sql.Timestamp.from(prior.submittedAt()))
                .update();
    }

    private static ResponseStatusException notYours(long demonstrationId) {
        return new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No submitted demonstration " + demonstrationId + " of yours");
    }

    @Transactional(readOnly = true)
    public DemonstrationTask task(long leaseId, String username) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.DEMONSTRATION);
        Datasets.PromptForLabeling prompt = datasets.promptForLabeling(lease.itemId());
        var existing = demonstrations.findByPromptIdAndLabelerId(lease.itemId(), lease.labelerId());
        return new DemonstrationTask(
                leaseId,
                lease.itemId(),
                prompt.text(),
                prompt.datasetName(),
                prompt.guidelines(),
                existing.map(Demonstration::getText).orElse(""),
                existing.map(Demonstration::getUpdatedAt).orElse(null),
                existing.map(Demonstration::submitted).orElse(false),
                maxChars,
                lease.expiresAt());
    }

    @Override
    public TaskKind kind() {
        return TaskKind.DEMONSTRATION;
    }

    @Override
    @Transactional(readOnly = true)
    public ApiTask describe(long leaseId, String username) {
        DemonstrationTask task = task(leaseId, username);
        return new ApiTask(
                leaseId,
                kind(),
                task.leaseExpiresAt(),
                new ApiTask.Prompt(task.promptId(), task.prompt()),
                task.guidelines(),
                null,
                null);
    }

    /** Saves the typed text so a reload, a closed tab or an expired session loses nothing. */
    @Transactional
    public void saveDraft(long leaseId, String username, String text) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.DEMONSTRATION);
        checkLength(text == null ? "" : text);
        Demonstration demonstration = demonstrations
                .findByPromptIdAndLabelerId(lease.itemId(), lease.labelerId())
                .orElseGet(() -> new Demonstration(lease.itemId(), lease.labelerId()));
        if (demonstration.saveDraft(text == null ? "" : text)) {
            demonstrations.save(demonstration);
        }
    }

    /** Submits the demonstration; a second submit of the same task changes nothing. */
    @Transactional
    public void submit(long leaseId, String username, String text) {
        if (text == null || text.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Write an answer before submitting.");
        }
        checkLength(text);
        Lease lease = queue.lockForSubmit(leaseId, username).requireKind(TaskKind.DEMONSTRATION);
        if (lease.submitted()) {
            return;
        }
        Demonstration demonstration = demonstrations
                .findByPromptIdAndLabelerId(lease.itemId(), lease.labelerId())
                .orElseGet(() -> new Demonstration(lease.itemId(), lease.labelerId()));
        if (demonstration.submitted()) {
            return;
        }
        demonstration.submit(text.strip());
        demonstrations.save(demonstration);
        queue.markSubmitted(lease);
    }

    private void checkLength(String text) {
        if (text.length() > maxChars) {
            throw new ResponseStatusException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "A demonstration can be at most " + maxChars + " characters; this one has " + text.length() + ".");
        }
    }
}
