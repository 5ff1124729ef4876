package org.instructforge.web.comparison;

import java.util.SplittableRandom;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.labeling.ApiTask;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.TaskContent;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Judging two checkpoints' outputs for one prompt, blind: the task as shown, and the judgement. */
@Service
public class ComparisonWork implements TaskContent {

    /** As on the ranking page: longer outputs start collapsed, so both sides fit on one screen. */
    private static final int LONG_OUTPUT_CHARS = 600;

    private final TaskQueue queue;
    private final Datasets datasets;
    private final ComparisonJudgementRepository judgements;
    private final JdbcClient jdbc;

    ComparisonWork(TaskQueue queue, Datasets datasets, ComparisonJudgementRepository judgements, JdbcClient jdbc) {
        this.queue = queue;
        this.datasets = datasets;
        this.judgements = judgements;
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public ComparisonTaskView task(long leaseId, String username) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.COMPARISON);
        Outputs outputs = outputs(lease.itemId());
        Datasets.PromptForLabeling prompt = datasets.promptForLabeling(outputs.promptId());
        boolean aLeft = aShownFirst(lease);
        String left = aLeft ? outputs.a() : outputs.b();
        String right = aLeft ? outputs.b() : outputs.a();
        return new ComparisonTaskView(
                leaseId,
                outputs.promptId(),
                prompt.text(),
                prompt.datasetName(),
                prompt.guidelines(),
                new ComparisonTaskView.Output("Left", left, left.length() > LONG_OUTPUT_CHARS),
                new ComparisonTaskView.Output("Right", right, right.length() > LONG_OUTPUT_CHARS),
                judgements
                        .findByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                        .isPresent(),
                lease.expiresAt());
    }

    /** Stores the judgement; submitting the same task twice stores it once. */
    @Transactional
    public void submit(long leaseId, String username, ComparisonSubmission answer) {
        Lease lease = queue.lockForSubmit(leaseId, username).requireKind(TaskKind.COMPARISON);
        if (lease.submitted()
                || judgements
                        .findByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                        .isPresent()) {
            return;
        }
        judgements.save(ComparisonJudgement.submit(lease.itemId(), lease.labelerId(), aShownFirst(lease), answer));
        judgements.flush();
        // Also marks the task COMPLETE once it has all the judgements it wants.
        queue.markSubmitted(lease);
    }

    @Override
    public TaskKind kind() {
        return TaskKind.COMPARISON;
    }

    @Override
    @Transactional(readOnly = true)
    public ApiTask describe(long leaseId, String username) {
        ComparisonTaskView task = task(leaseId, username);
        return new ApiTask(
                leaseId,
                kind(),
                task.leaseExpiresAt(),
                new ApiTask.Prompt(task.promptId(), task.prompt()),
                task.guidelines(),
                null,
                new ApiTask.Comparison(
                        new ApiTask.Side(task.left().text()),
                        new ApiTask.Side(task.right().text())));
    }

    private record Outputs(long promptId, String a, String b) {}

    private Outputs outputs(long taskId) {
        return jdbc.sql("SELECT prompt_id, output_a, output_b FROM comparison_task WHERE id = :t")
                .param("t", taskId)
                .query((rs, n) -> new Outputs(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .single();
    }

    /**
     * Whether output A is on the left for this lease: random per labeler and task, and the same on every reload.
     * SplittableRandom mixes the seed well; java.util.Random's first boolean barely changes between neighbouring
     * seeds, and lease ids are neighbours.
     */
    static boolean aShownFirst(Lease lease) {
        return new SplittableRandom(lease.id()).nextBoolean();
    }
}
