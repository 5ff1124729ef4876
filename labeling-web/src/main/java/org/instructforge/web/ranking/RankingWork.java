package org.instructforge.web.ranking;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.labeling.ApiTask;
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
import tools.jackson.databind.json.JsonMapper;

/** Ranking K outputs of one prompt: the task as shown, its draft, and the submission. */
@Service
public class RankingWork implements TaskContent {

    /** Outputs longer than this start collapsed, so K long answers fit on one screen. */
    private static final int LONG_OUTPUT_CHARS = 600;

    private final TaskQueue queue;
    private final Datasets datasets;
    private final RankingRepository rankings;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RunUse runUse;

    RankingWork(
            TaskQueue queue,
            Datasets datasets,
            RankingRepository rankings,
            JdbcClient jdbc,
            JsonMapper json,
            RunUse runUse) {
        this.runUse = runUse;
        this.queue = queue;
        this.datasets = datasets;
        this.rankings = rankings;
        this.jdbc = jdbc;
        this.json = json;
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
        var draft = jdbc.sql(
                        "SELECT entered::text, updated_at FROM ranking_draft WHERE task_id = :t AND labeler_id = :l")
                .param("t", lease.itemId())
                .param("l", lease.labelerId())
                .query((rs, n) -> new Draft(
                        json.readValue(rs.getString(1), EnteredRanking.class),
                        rs.getTimestamp(2).toInstant()))
                .optional();
        return new RankingTaskView(
                leaseId,
                promptId,
                prompt.text(),
                prompt.datasetName(),
                prompt.guidelines(),
                outputs,
                submitted,
                lease.expiresAt(),
                draft.map(Draft::entered).orElse(EnteredRanking.NOTHING),
                draft.map(Draft::savedAt).orElse(null),
                false,
                null);
    }

    private record Draft(EnteredRanking entered, Instant savedAt) {}

    /**
     * Keeps what the labeler has entered so far, so a reload, a closed tab or an expired session loses nothing;
     * only the task's own outputs' fields are kept, and nothing once the ranking is submitted.
     */
    @Transactional
    public void saveDraft(long leaseId, String username, RankingForm form) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.RANKING);
        if (lease.submitted()) {
            return;
        }
        EnteredRanking entered =
                form.entered(displayOrder(lease).stream().map(Candidate::id).toList());
        jdbc.sql("""
                        INSERT INTO ranking_draft (task_id, labeler_id, entered, updated_at)
                        VALUES (:t, :l, CAST(:entered AS jsonb), :now)
                        ON CONFLICT (task_id, labeler_id) DO UPDATE SET entered = EXCLUDED.entered,
                            updated_at = EXCLUDED.updated_at""")
                .param("t", lease.itemId())
                .param("l", lease.labelerId())
                .param("entered", json.writeValueAsString(entered))
                .param("now", Timestamp.from(Instant.now()))
                .update();
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
        jdbc.sql("DELETE FROM ranking_draft WHERE task_id = :t AND labeler_id = :l")
                .param("t", lease.itemId())
                .param("l", lease.labelerId())
                .update();
        // Also marks the task COMPLETE once it has all the rankings it wants.
        queue.markSubmitted(lease);
    }

    /** The submitted ranking of a lease, shown on the ranking page to revise it; 409 while it is not submitted. */
    @Transactional(readOnly = true)
    public RankingTaskView revisable(long leaseId, String username) {
        RankingTaskView task = task(leaseId, username);
        Lease lease = queue.leaseOf(leaseId, username);
        Ranking ranking = rankings.findByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.CONFLICT, "This ranking is not submitted yet; submit it first."));
        return task.revising(
                ranking.entered(),
                runUse.whyNotRevisable(RunUse.Label.RANKING, ranking.getId()).orElse(null));
    }

    /**
     * Revises a submitted ranking, checked as a first submission is: refused (409) once a training run has read it or a reviewer has decided on it;
     * the replaced version (each entry's rank, score and labels, "not rankable" and its reason) is kept in
     * {@code ranking_revision}, in the labeler's display order, for their history.
     */
    @Transactional
    public void revise(long leaseId, String username, RankingSubmission submission) {
        Lease lease = queue.leaseOf(leaseId, username).requireKind(TaskKind.RANKING);
        Ranking ranking = rankings.lockByTaskIdAndLabelerId(lease.itemId(), lease.labelerId())
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.CONFLICT, "This ranking is not submitted yet; submit it first."));
        runUse.requireRevisable(RunUse.Label.RANKING, ranking.getId());
        jdbc.sql("""
                        INSERT INTO ranking_revision (ranking_id, entries, not_rankable, not_rankable_reason, submitted_at)
                        SELECT r.id,
                               (SELECT jsonb_agg((to_jsonb(e) - 'ranking_id')
                                                 || jsonb_build_object('letter', chr(64 + o.n::int)) ORDER BY o.n)
                                FROM jsonb_array_elements_text(r.display_order) WITH ORDINALITY o(candidate, n)
                                JOIN ranking_entry e ON e.ranking_id = r.id AND e.candidate_id = o.candidate::bigint),
                               r.not_rankable, r.not_rankable_reason, r.submitted_at
                        FROM ranking r WHERE r.id = :id""").param("id", ranking.getId()).update();
        ranking.revise(displayOrder(lease).stream().map(Candidate::id).sorted().toList(), submission);
        rankings.saveAndFlush(ranking);
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
