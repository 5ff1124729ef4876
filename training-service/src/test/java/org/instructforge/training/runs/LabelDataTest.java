package org.instructforge.training.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.shared.run.LabelMinimum;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What runs train on, read through the privacy gate ({@code prompt_usable}, V027): labels of a prompt waiting for PII
 * review, or retired, reach no SFT, reward-model or PPO run, even though they were written while it was usable.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"instructforge.runs.heartbeat-interval=200ms", "instructforge.runs.stale-after=30s"})
class LabelDataTest {

    @Autowired
    LabelData labels;

    @Autowired
    JdbcClient jdbc;

    LoopFixtures fixtures;
    DataSelection selection;
    String usable;
    String pending;
    String retired;
    String validation;
    long run;

    /** Four prompts, each with a demonstration and a ranking; then one goes back to PII review and one is retired. */
    @BeforeEach
    void labelledPrompts() {
        fixtures = new LoopFixtures(jdbc);
        long dataset = fixtures.dataset();
        selection = new DataSelection(List.of(dataset), List.of(), false);
        long labeler = fixtures.labeler("gate");
        usable = "usable " + fixtures.tag;
        pending = "pending " + fixtures.tag;
        retired = "retired " + fixtures.tag;
        validation = "validation " + fixtures.tag;
        for (String text : List.of(usable, pending, retired, validation)) {
            long prompt = fixtures.prompt(dataset, text, text.equals(validation) ? "VALID" : "TRAIN");
            fixtures.demonstration(prompt, labeler, "answer to " + text);
            fixtures.ranking(
                    prompt, labeler, List.of("output 0", "output 1", "output 2", "output 3"), List.of(1, 2, 3, 4));
        }
        run = jdbc.sql("INSERT INTO training_run (run_type) VALUES ('SFT') RETURNING id")
                .query(Long.class)
                .single();
        jdbc.sql("UPDATE prompt SET pii_status = 'PENDING_REVIEW' WHERE text = :t")
                .param("t", pending)
                .update();
        jdbc.sql("UPDATE prompt SET status = 'RETIRED' WHERE text = :t")
                .param("t", retired)
                .update();
    }

    @Test
    void sftReadsDemonstrationsOfUsablePromptsOnly() {
        LabelData.Split<SftTrainer.Example> data = labels.demonstrations(run, selection);

        assertThat(Stream.concat(data.train().stream(), data.validation().stream())
                        .map(SftTrainer.Example::prompt))
                .containsExactlyInAnyOrder(usable, validation);
    }

    @Test
    void theRewardModelReadsRankingsOfUsablePromptsOnly() {
        LabelData.Split<RewardTrainer.RankedExample> data = labels.rankings(run, selection);

        assertThat(Stream.concat(data.train().stream(), data.validation().stream())
                        .map(RewardTrainer.RankedExample::prompt))
                .containsExactlyInAnyOrder(usable, validation);
    }

    /** What labeling-web asks before it lets a labeler revise a label: exactly the rows the run read. */
    @Test
    void aRunRecordsTheDemonstrationsAndRankingsItReadAndNothingElse() {
        labels.demonstrations(run, selection);
        labels.rankings(run, selection);
        labels.demonstrations(run, selection); // a resumed run reads again: nothing twice

        assertThat(jdbc.sql("""
                        SELECT p.text FROM training_run_demonstration u JOIN demonstration d ON d.id = u.demonstration_id
                        JOIN prompt p ON p.id = d.prompt_id WHERE u.run_id = :run""").param("run", run).query(String.class).list())
                .containsExactlyInAnyOrder(usable, validation);
        assertThat(jdbc.sql("""
                        SELECT p.text FROM training_run_ranking u JOIN ranking r ON r.id = u.ranking_id
                        JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
                        WHERE u.run_id = :run""").param("run", run).query(String.class).list())
                .containsExactlyInAnyOrder(usable, validation);
    }

    @Test
    void ppoSamplesUsableTrainPromptsOnly() {
        assertThat(labels.trainPrompts(selection)).containsExactly(List.of(ChatMessage.user(usable)));
    }

    /**
     * Review outcomes (V038) decide through the schema's one rule (V039): a demonstration awaiting review or rejected
     * is not trained on, an edited one is trained on in the reviewer's words; a ranking awaiting review or rejected
     * reaches no reward model.
     */
    @Test
    void runsTrainOnPassedLabelsOnlyAndOnTheReviewersEdit() {
        LoopFixtures own = new LoopFixtures(jdbc);
        long dataset = own.dataset();
        long labeler = own.labeler("reviewed");
        DataSelection reviewed = new DataSelection(List.of(dataset), List.of(), false);
        String[] outcomes = {"ACCEPTED", "EDITED", "PENDING", "REJECTED"};
        for (String outcome : outcomes) {
            long prompt = own.prompt(dataset, outcome + " " + own.tag, "TRAIN");
            own.demonstration(prompt, labeler, "labeler's answer " + outcome);
            ranking(prompt, labeler);
            jdbc.sql("""
                            UPDATE demonstration SET review_status = :o,
                              reviewed_text = CASE WHEN :o = 'EDITED' THEN 'reviewer''s answer' END,
                              review_reason = CASE WHEN :o = 'REJECTED' THEN 'wrong' END,
                              status = CASE WHEN :o = 'REJECTED' THEN 'REJECTED' ELSE status END
                            WHERE prompt_id = :p""").param("o", outcome).param("p", prompt).update();
            jdbc.sql("""
                            UPDATE ranking SET review_status = :o,
                              review_reason = CASE WHEN :o = 'REJECTED' THEN 'wrong' END
                            WHERE task_id IN (SELECT id FROM ranking_task WHERE prompt_id = :p)""")
                    .param("o", outcome.equals("EDITED") ? "ACCEPTED" : outcome)
                    .param("p", prompt)
                    .update();
        }

        LabelData.Split<SftTrainer.Example> sft = labels.demonstrations(run, reviewed);
        assertThat(Stream.concat(sft.train().stream(), sft.validation().stream())
                        .map(SftTrainer.Example::response))
                .containsExactlyInAnyOrder("labeler's answer ACCEPTED", "reviewer's answer");
        LabelData.Split<RewardTrainer.RankedExample> rm = labels.rankings(run, reviewed);
        assertThat(Stream.concat(rm.train().stream(), rm.validation().stream())
                        .map(RewardTrainer.RankedExample::prompt))
                .containsExactlyInAnyOrder("ACCEPTED " + own.tag, "EDITED " + own.tag);
    }

    /** The minimum the dashboard asks for before it queues a run is exactly what the worker can split. */
    @Test
    void theDashboardsLabelMinimumIsWhatTheWorkersHoldOutCanTrainAndValidateOn() {
        for (int train = 0; train <= 12; train++) {
            for (int validation = 0; validation <= 2; validation++) {
                LabelData.Split<Integer> split = LabelData.heldOut(examples(train), examples(validation));
                boolean trainable =
                        !split.train().isEmpty() && !split.validation().isEmpty();
                assertThat(LabelMinimum.enough(train, validation))
                        .as(train + " TRAIN and " + validation + " VALID examples")
                        .isEqualTo(trainable);
            }
        }
    }

    private static List<Integer> examples(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }

    private void ranking(long prompt, long labeler) {
        long task = jdbc.sql("INSERT INTO ranking_task (prompt_id) VALUES (:p) RETURNING id")
                .param("p", prompt)
                .query(Long.class)
                .single();
        long ranking = jdbc.sql("""
                        INSERT INTO ranking (task_id, labeler_id, display_order) VALUES (:t, :l, '[]') RETURNING id""")
                .param("t", task)
                .param("l", labeler)
                .query(Long.class)
                .single();
        for (int position = 0; position < 4; position++) {
            jdbc.sql("""
                            WITH c AS (INSERT INTO ranking_candidate (task_id, position, text)
                                       VALUES (:t, :pos, :text) RETURNING id)
                            INSERT INTO ranking_entry (ranking_id, candidate_id, rank) SELECT :r, c.id, :rank FROM c""")
                    .param("r", ranking)
                    .param("rank", position + 1)
                    .param("t", task)
                    .param("pos", position)
                    .param("text", "output " + position)
                    .update();
        }
    }

    /**
     * A prompt imported as {@code messages} reaches the reward model, DPO (both read {@link LabelData#rankings}) and
     * PPO as its conversation, not as one user turn holding the whole transcript.
     */
    @Test
    void rankingsAndPpoPromptsOfAChatImportedPromptKeepItsTurns() {
        LoopFixtures own = new LoopFixtures(jdbc);
        long dataset = own.dataset();
        DataSelection chat = new DataSelection(List.of(dataset), List.of(), false);
        String text = "User: Capital of France?\n\nAssistant: Paris\n\nUser: And of Italy? " + own.tag;
        long prompt = own.prompt(dataset, text, "TRAIN");
        jdbc.sql("UPDATE prompt SET messages = CAST(:m AS jsonb) WHERE id = :id")
                .param(
                        "m",
                        "[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"x\"},"
                                + "{\"role\":\"user\",\"content\":\"x\"}]")
                .param("id", prompt)
                .update();
        own.ranking(
                prompt, own.labeler("chat"), List.of("Rome", "Milan", "Paris", "I do not know."), List.of(1, 2, 3, 4));
        List<ChatMessage> turns = List.of(
                ChatMessage.user("Capital of France?"),
                ChatMessage.assistant("Paris"),
                ChatMessage.user("And of Italy? " + own.tag));

        LabelData.Split<RewardTrainer.RankedExample> rankings = labels.rankings(run, chat);

        assertThat(Stream.concat(rankings.train().stream(), rankings.validation().stream())
                        .map(RewardTrainer.RankedExample::question))
                .containsExactly(turns);
        assertThat(labels.trainPrompts(chat)).containsExactly(turns);
    }

    @Test
    void aChatImportedPromptKeepsItsTurnsAndItsLastUserTurnIsThePromptAnswered() {
        String text = "System: Be brief.\n\nUser: Capital of France?\n\nAssistant: Paris\n\nUser: And of Italy?";
        String messages = "[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"x\"}]";

        var example = LabelData.example(text, messages, "Rome");

        assertThat(example.context())
                .containsExactly(
                        new ChatMessage("system", "Be brief."),
                        ChatMessage.user("Capital of France?"),
                        ChatMessage.assistant("Paris"));
        assertThat(example.prompt()).isEqualTo("And of Italy?");
        assertThat(example.conversation()).last().isEqualTo(ChatMessage.assistant("Rome"));
        // a plain prompt, or one an edit took out of its turns, is one user turn as before
        assertThat(LabelData.example("Capital of France?", null, "Paris").context())
                .isEmpty();
        assertThat(LabelData.example("User: edited away", messages, "Rome").prompt())
                .isEqualTo("User: edited away");
    }
}
