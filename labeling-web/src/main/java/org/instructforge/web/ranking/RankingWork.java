package org.instructforge.web.ranking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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

/** Ranking K outputs of one prompt: the task as shown, and the submission. */
@Service
public class RankingWork implements TaskContent {

    /** Outputs longer than this start collapsed, so K long answers fit on one screen. */
    private static final int LONG_OUTPUT_CHARS = 600;

    private final TaskQueue queue;
    private final Datasets datasets;
    private final RankingRepository rankings;
    private final JdbcClient jdbc;

    RankingWork(TaskQueue queue, Datasets datasets, RankingRepository rankings, JdbcClient jdbc) {
        this.queue = queue;
        this.datasets = datasets;
        this.rankings = rankings;
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public RankingTaskView task(long leaseId, String username) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.RANKING);
        long promptId = jdbc.sql("SELECT prompt_id FROM ranking_task WHERE id = :t")
                .param("t", lease.itemId())
                .query(Long.class)
                .single();
        Datasets.PromptForLabeling prompt = datasets.promptForLabeling(promptId);
        List<RankingTaskView.Output> outputs = new ArrayList<>();
        List<Candidate> shown = displayOrder(lease);
        for (int i = 0; i < shown.size(); i++) {
            Candidate c = shown.get(i);
            outputs.add(new RankingTaskView.Output(
                    c.id(), String.valueOf((char) ('A' + i)), c.text(), c.text().length() > LONG_OUTPUT_CHARS));
        }
        boolean submitted = rankings.findByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                .isPresent();
        return new RankingTaskView(
                leaseId,
                promptId,
                prompt.text(),
                prompt.datasetName(),
                prompt.guidelines(),
                outputs,
                submitted,
                lease.expiresAt());
    }

    /** Stores the ranking; submitting the same task twice stores it once. */
    @Transactional
    public void submit(long leaseId, String username, RankingSubmission submission) {
        Lease lease = queue.lockForSubmit(leaseId, username).requireKind(TaskKind.RANKING);
        if (lease.submitted()
                || rankings.findByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                        .isPresent()) {
            return;
        }
        List<Candidate> shown = displayOrder(lease);
        List<Long> candidates = shown.stream().map(Candidate::id).sorted().toList();
        rankings.save(Ranking.submit(
                lease.itemId(),
                lease.labelerId(),
                candidates,
                shown.stream().map(Candidate::id).toList(),
                submission));
        rankings.flush();
        // Also marks the task COMPLETE once it has all the rankings it wants.
        queue.markSubmitted(lease);
    }

    @Override
    public TaskKind kind() {
        return TaskKind.RANKING;
    }

    /** The candidates in this labeler's shuffled display order, as the page shows them; never their models. */
    @Override
    @Transactional(readOnly = true)
    public ApiTask describe(long leaseId, String username) {
        RankingTaskView task = task(leaseId, username);
        return new ApiTask(
                leaseId,
                kind(),
                task.leaseExpiresAt(),
                new ApiTask.Prompt(task.promptId(), task.prompt()),
                task.guidelines(),
                task.outputs().stream()
                        .map(o -> new ApiTask.Candidate(o.candidateId(), o.text()))
                        .toList(),
                null);
    }

    private record Candidate(long id, String text) {}

    /**
     * Shuffled per labeler and task, reproducibly: the same labeler sees the same order on every reload. The seed
     * is mixed by SplittableRandom first: java.util.Random barely changes its first draws between neighbouring
     * seeds, which put the same output last for every labeler of a task.
     */
    private List<Candidate> displayOrder(Lease lease) {
        List<Candidate> candidates =
                new ArrayList<>(jdbc.sql("SELECT id, text FROM ranking_candidate WHERE task_id = :t ORDER BY position")
                        .param("t", lease.itemId())
                        .query((rs, n) -> new Candidate(rs.getLong(1), rs.getString(2)))
                        .list());
        Collections.shuffle(
                candidates, new Random(new SplittableRandom(31L * lease.itemId() + lease.labelerId()).nextLong()));
        return candidates;
    }
}
