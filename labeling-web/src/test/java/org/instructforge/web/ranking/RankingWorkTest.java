package org.instructforge.web.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.labeling.Lease;
import org.instructforge.web.labeling.TaskKind;
import org.instructforge.web.labeling.TaskQueue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Candidate import, the ranking task and its submission, on real PostgreSQL. */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
@AutoConfigureMockMvc
class RankingWorkTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    CandidateImport candidates;

    @Autowired
    RankingWork rankings;

    @Autowired
    TaskQueue queue;

    @Autowired
    Accounts accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRankingWithTiesIsStoredWithLikertScoresAndFlags() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        Map<Long, Integer> ranks = Map.of(ids.get(0), 1, ids.get(1), 1, ids.get(2), 3, ids.get(3), 4);

        rankings.submit(
                task.lease().id(),
                task.labeler(),
                new RankingSubmission(
                        ranks,
                        Map.of(ids.get(0), 6),
                        Map.of(ids.get(3), Set.of(MetadataFlag.HALLUCINATION)),
                        false,
                        null,
                        12_000L));

        assertThat(jdbc.sql("SELECT candidate_id, rank FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id "
                                + "WHERE r.task_id = :t")
                        .param("t", task.lease().itemId())
                        .query((rs, n) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                        .list())
                .containsExactlyInAnyOrderElementsOf(ranks.entrySet());
        assertThat(jdbc.sql("SELECT count(*) FROM ranking_entry WHERE candidate_id = :c AND hallucination")
                        .param("c", ids.get(3))
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void anIncompleteRankingIsRefusedAndNothingIsStored() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();

        assertThatThrownBy(() -> rankings.submit(
                        task.lease().id(),
                        task.labeler(),
                        new RankingSubmission(
                                Map.of(ids.get(0), 1, ids.get(1), 2), Map.of(), Map.of(), false, null, null)))
                .isInstanceOf(InvalidRankingException.class)
                .hasMessageContaining("every output");
        assertThatThrownBy(() -> rankings.submit(
                        task.lease().id(),
                        task.labeler(),
                        new RankingSubmission(
                                Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 9),
                                Map.of(),
                                Map.of(),
                                false,
                                null,
                                null)))
                .isInstanceOf(InvalidRankingException.class);
        assertThat(rankingsOf(task.lease().itemId())).isZero();
    }

    @Test
    void notRankableNeedsAReasonAndThenStoresNoRanks() throws Exception {
        var task = claimedTask();

        assertThatThrownBy(() -> rankings.submit(
                        task.lease().id(),
                        task.labeler(),
                        new RankingSubmission(Map.of(), Map.of(), Map.of(), true, " ", null)))
                .hasMessageContaining("why");
        rankings.submit(
                task.lease().id(),
                task.labeler(),
                new RankingSubmission(Map.of(), Map.of(), Map.of(), true, "All four are wrong", null));

        assertThat(jdbc.sql("SELECT count(*) FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id "
                                + "WHERE r.task_id = :t AND e.rank IS NULL AND r.not_rankable")
                        .param("t", task.lease().itemId())
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
    }

    @Test
    void submittingTwiceStoresOneRankingAndCompletesTheTask() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        Map<Long, Integer> ranks = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            ranks.put(ids.get(i), i + 1);
        }
        var submission = new RankingSubmission(ranks, Map.of(), Map.of(), false, null, null);

        rankings.submit(task.lease().id(), task.labeler(), submission);
        rankings.submit(task.lease().id(), task.labeler(), submission);

        assertThat(rankingsOf(task.lease().itemId())).isEqualTo(1);
        assertThat(jdbc.sql("SELECT status FROM ranking_task WHERE id = :t")
                        .param("t", task.lease().itemId())
                        .query(String.class)
                        .single())
                .isEqualTo("COMPLETE");
    }

    @Test
    void aDraftKeepsOnlyTheTasksOwnFieldsAndIsDeletedWhenTheRankingIsSubmitted() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        // As the page's form binds it (an unknown label name fails binding, RankingForm's typeMismatch.flags).
        RankingForm form = new RankingForm(
                Map.of(ids.get(0), "2", ids.get(1), "1.5", 999_999_999L, "1"),
                Map.of(ids.get(2), "6"),
                Map.of(ids.get(3), Set.of(MetadataFlag.HALLUCINATION)),
                true,
                "x".repeat(600),
                null);
        rankings.saveDraft(task.lease().id(), task.labeler(), form);

        EnteredRanking draft = rankings.task(task.lease().id(), task.labeler()).draft();
        // A refused value is kept as it was entered, to be shown again; another task's output is not kept.
        assertThat(draft.ranks()).isEqualTo(Map.of(ids.get(0), "2", ids.get(1), "1.5"));
        assertThat(draft.likert(ids.get(2))).isEqualTo("6");
        assertThat(draft.flags()).isEqualTo(Map.of(ids.get(3), Set.of("HALLUCINATION")));
        assertThat(draft.notRankable()).isTrue();
        assertThat(draft.reason()).hasSize(500);

        rankings.submit(
                task.lease().id(),
                task.labeler(),
                new RankingSubmission(Map.of(), Map.of(), Map.of(), true, "All four are wrong", null));
        assertThat(rankings.task(task.lease().id(), task.labeler()).draft()).isEqualTo(EnteredRanking.NOTHING);
        rankings.saveDraft(task.lease().id(), task.labeler(), form);
        assertThat(jdbc.sql("SELECT count(*) FROM ranking_draft WHERE task_id = :t")
                        .param("t", task.lease().itemId())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void theRankingPageBindsItsFormAndRefusesWhatDoesNotBindWith400StoringNothing() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        String page = "/labeler/rankings/" + task.lease().id();
        mvc.perform(rankedTwoOneThreeThree(page, task.labeler(), ids)
                        .param("flags[" + ids.get(3) + "]", "HALLUCINATION", "RUDE"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("Unknown label")));
        mvc.perform(post(page)
                        .with(user(task.labeler()).roles("LABELER"))
                        .with(csrf())
                        .param("ranks[first]", "1"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("Not an output of this task")));
        mvc.perform(post(page)
                        .with(user(task.labeler()).roles("LABELER"))
                        .with(csrf())
                        .param("notRankable", "true")
                        .param("reason", "x".repeat(501)))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("at most 500 characters")));
        assertThat(rankingsOf(task.lease().itemId())).isZero();

        mvc.perform(rankedTwoOneThreeThree(page, task.labeler(), ids)
                        .param("flags[" + ids.get(3) + "]", "HALLUCINATION", "HARMFUL_ADVICE")
                        .param("durationMs", "4000"))
                .andExpect(status().is3xxRedirection());
        assertThat(jdbc.sql("""
                        SELECT e.rank || ' ' || coalesce(e.likert::text, '-') || ' ' || e.hallucination || ' '
                               || e.harmful_advice
                        FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id
                        WHERE r.task_id = :t ORDER BY e.candidate_id""")
                        .param("t", task.lease().itemId())
                        .query(String.class)
                        .list())
                .containsExactlyElementsOf(ids.stream()
                        .sorted()
                        .map(id -> Map.of(
                                        ids.get(0), "2 - false false",
                                        ids.get(1), "1 7 false false",
                                        ids.get(2), "3 - false false",
                                        ids.get(3), "3 - true true")
                                .get(id))
                        .toList());
    }

    @Test
    void eachLabelerSeesTheOutputsInTheirOwnStableShuffledOrder() throws Exception {
        var task = claimedTask();
        List<Long> first = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        List<Long> again = rankings.task(task.lease().id(), task.labeler()).outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        assertThat(again).isEqualTo(first);
        assertThat(task.view().outputs())
                .extracting(RankingTaskView.Output::letter)
                .containsExactly("A", "B", "C", "D");
    }

    @Test
    void aCandidateFileWithABadLineCreatesNoTask() throws Exception {
        long dataset = RankingFixtures.datasetWithPrompt(datasets, importer, jdbc, "Name a colour.");
        long prompt = RankingFixtures.promptOf(jdbc, dataset);

        CandidateImport.Report report = RankingFixtures.importOutputs(
                candidates,
                dataset,
                RankingFixtures.fourOutputs(prompt),
                "{\"prompt_id\": " + prompt + ", \"outputs\": [{\"text\": \"only one\"}]}",
                "{\"prompt_id\": 999999999, \"outputs\": []}");

        assertThat(report.tasksCreated()).isZero();
        assertThat(report.errors()).extracting(e -> e.get("line")).containsExactly(2L, 3L);
        assertThat(jdbc.sql("SELECT count(*) FROM ranking_task WHERE prompt_id = :p")
                        .param("p", prompt)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void candidatesAreRefusedForPromptsAwaitingPiiReviewRetiredOrHeldOutAndForARepeatedPrompt() throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("candidates", 1, "0"), "tester");
        ImportFixtures.importLines(
                importer,
                dataset,
                false,
                List.of(
                        ImportFixtures.line("What is 2 + 2?", "u1"),
                        ImportFixtures.line("What is 3 + 3?", "u2"),
                        ImportFixtures.line("What is 4 + 4?", "u3"),
                        ImportFixtures.line("What is 5 + 5?", "u4")));
        List<Long> prompts = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d ORDER BY id")
                .param("d", dataset)
                .query(Long.class)
                .list();
        long usable = prompts.get(0);
        long pending = prompts.get(1);
        long retired = prompts.get(2);
        long heldOut = prompts.get(3);
        setPrompt(pending, "pii_status", "PENDING_REVIEW");
        setPrompt(retired, "status", "RETIRED");
        setPrompt(heldOut, "split", "TEST");

        CandidateImport.Report report = RankingFixtures.importOutputs(
                candidates,
                dataset,
                RankingFixtures.fourOutputs(usable),
                RankingFixtures.fourOutputs(pending),
                RankingFixtures.fourOutputs(retired),
                RankingFixtures.fourOutputs(heldOut),
                RankingFixtures.fourOutputs(usable));

        assertThat(report.tasksCreated()).isZero();
        assertThat(report.errors()).extracting(e -> e.get("line")).containsExactly(2L, 3L, 4L, 5L);
        assertThat(report.errors())
                .extracting(e -> (String) e.get("reason"))
                .containsExactly(
                        "prompt " + pending + " is not cleared of PII yet (pending review): finish its review first",
                        "prompt " + retired + " is retired, not active",
                        "prompt " + heldOut + " is in the TEST split, which is reserved for evaluation",
                        "prompt " + usable + " is already on line 1: one line per prompt");
        assertThat(jdbc.sql("SELECT count(*) FROM ranking_task WHERE prompt_id IN (:p)")
                        .param("p", prompts)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private void setPrompt(long prompt, String column, String value) {
        jdbc.sql("UPDATE prompt SET " + column + " = :v WHERE id = :p")
                .param("v", value)
                .param("p", prompt)
                .update();
    }

    @Test
    void aRankingIsRevisedUntilATrainingRunHasReadItAndTheEarlierVersionIsKept() throws Exception {
        var task = claimedTask();
        List<Long> ids = task.view().outputs().stream()
                .map(RankingTaskView.Output::candidateId)
                .toList();
        rankings.submit(
                task.lease().id(),
                task.labeler(),
                new RankingSubmission(
                        Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                        Map.of(ids.get(0), 6),
                        Map.of(),
                        false,
                        null,
                        null));

        rankings.revise(
                task.lease().id(),
                task.labeler(),
                new RankingSubmission(
                        Map.of(ids.get(0), 4, ids.get(1), 1, ids.get(2), 1, ids.get(3), 3),
                        Map.of(),
                        Map.of(ids.get(1), Set.of(MetadataFlag.HALLUCINATION)),
                        false,
                        null,
                        null));

        assertThat(rankOf(task, ids.get(0))).isEqualTo(4);
        assertThat(rankOf(task, ids.get(1))).isEqualTo(1);
        // The replaced version, in display order (A is the first output shown), with its Likert score.
        assertThat(jdbc.sql("""
                        SELECT v.entries -> 0 ->> 'letter', (v.entries -> 0 ->> 'rank')::int, (v.entries -> 0 ->> 'likert')::int
                        FROM ranking_revision v JOIN ranking r ON r.id = v.ranking_id WHERE r.task_id = :t""")
                        .param("t", task.lease().itemId())
                        .query((rs, n) -> List.of(rs.getString(1), rs.getInt(2), rs.getInt(3)))
                        .single())
                .containsExactly("A", 1, 6);

        long ranking = jdbc.sql("SELECT id FROM ranking WHERE task_id = :t")
                .param("t", task.lease().itemId())
                .query(Long.class)
                .single();
        var again = new RankingSubmission(
                Map.of(ids.get(0), 1, ids.get(1), 2, ids.get(2), 3, ids.get(3), 4),
                Map.of(),
                Map.of(),
                false,
                null,
                null);
        // a reviewer's decision was about the version they read: after it the ranking stays as it is
        jdbc.sql("UPDATE ranking SET review_status = 'ACCEPTED' WHERE id = :r")
                .param("r", ranking)
                .update();
        assertThatThrownBy(() -> rankings.revise(task.lease().id(), task.labeler(), again))
                .isInstanceOfSatisfying(
                        org.springframework.web.server.ResponseStatusException.class,
                        e -> assertThat(e.getReason()).contains("A reviewer has decided on this ranking"));
        assertThat(rankOf(task, ids.get(0))).isEqualTo(4);
        jdbc.sql("UPDATE ranking SET review_status = 'PENDING' WHERE id = :r") // waiting for review: may change
                .param("r", ranking)
                .update();

        long run = jdbc.sql("INSERT INTO training_run (run_type) VALUES ('REWARD') RETURNING id")
                .query(Long.class)
                .single();
        jdbc.sql("INSERT INTO training_run_ranking (ranking_id, run_id) VALUES (:r, :run)")
                .param("r", ranking)
                .param("run", run)
                .update();
        assertThatThrownBy(() -> rankings.revise(task.lease().id(), task.labeler(), again))
                .isInstanceOfSatisfying(
                        org.springframework.web.server.ResponseStatusException.class,
                        e -> assertThat(e.getReason()).contains("Training run #" + run + " has used this ranking"));
        assertThat(rankOf(task, ids.get(0))).isEqualTo(4);
    }

    private int rankOf(ClaimedTask task, long candidate) {
        return jdbc.sql("SELECT e.rank FROM ranking_entry e JOIN ranking r ON r.id = e.ranking_id"
                        + " WHERE r.task_id = :t AND e.candidate_id = :c")
                .param("t", task.lease().itemId())
                .param("c", candidate)
                .query(Integer.class)
                .single();
    }

    private record ClaimedTask(String labeler, Lease lease, RankingTaskView view) {}

    private ClaimedTask claimedTask() throws Exception {
        long dataset = RankingFixtures.datasetWithPrompt(datasets, importer, jdbc, "What is the capital of Peru?");
        long prompt = RankingFixtures.promptOf(jdbc, dataset);
        assertThat(RankingFixtures.importOutputs(candidates, dataset, RankingFixtures.fourOutputs(prompt))
                        .errors())
                .isEmpty();
        long taskId = jdbc.sql("SELECT id FROM ranking_task WHERE prompt_id = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
        String labeler = RankingFixtures.labeler(accounts);
        for (int i = 0; i < 500; i++) {
            Lease lease = queue.claimNext(labeler, TaskKind.RANKING).orElseThrow();
            if (lease.itemId() == taskId) {
                return new ClaimedTask(labeler, lease, rankings.task(lease.id(), labeler));
            }
            queue.skip(lease.id(), labeler, "another test's task");
        }
        throw new AssertionError("task not reached");
    }

    /** The page's form as a browser sends it: ranks 2, 1, 3, 3 (a tie) and a 7 for the second output. */
    private static MockHttpServletRequestBuilder rankedTwoOneThreeThree(String page, String labeler, List<Long> ids) {
        return post(page)
                .with(user(labeler).roles("LABELER"))
                .with(csrf())
                .param("ranks[" + ids.get(0) + "]", "2")
                .param("ranks[" + ids.get(1) + "]", "1")
                .param("ranks[" + ids.get(2) + "]", "3")
                .param("ranks[" + ids.get(3) + "]", "3")
                .param("likert[" + ids.get(1) + "]", "7");
    }

    private long rankingsOf(long taskId) {
        return jdbc.sql("SELECT count(*) FROM ranking WHERE task_id = :t")
                .param("t", taskId)
                .query(Long.class)
                .single();
    }
}
