package org.instructforge.training.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.instructforge.shared.prompt.ConversationText;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.shared.run.DataSelection;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labels a run trains on, read from the labeling tables: submitted demonstrations, rankings and prompts of the
 * selected datasets, of usable prompts only (active and PII-cleared: {@code prompt_usable} in the schema, V027), and
 * only labels that may be trained on ({@code demonstration_trainable} and {@code ranking_trainable}, V039: not from
 * a labeler an admin excluded, not awaiting review, not rejected by a reviewer; a reviewer's edit is the text
 * trained on). AI-feedback rankings only when asked for.
 * Training data comes from TRAIN prompts and validation data from VALID ones (splits are made by prompt author, so
 * no author is in both); without VALID labels a tenth of the TRAIN ones is held out.
 */
@Component
class LabelData {

    /** Training and validation examples of one kind. */
    record Split<T>(List<T> train, List<T> validation) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final RunFence fence;

    LabelData(JdbcClient jdbc, TransactionTemplate transactions, RunFence fence) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.fence = fence;
    }

    /** A claimed run's demonstrations; the record of their use is fenced by its attempt ({@link RunFence}). */
    public Split<SftTrainer.Example> demonstrations(ClaimedRun run) {
        return fence.write(run, () -> demonstrations(run.id(), run.data()));
    }

    /** A claimed run's rankings; the record of their use is fenced by its attempt ({@link RunFence}). */
    public Split<RewardTrainer.RankedExample> rankings(ClaimedRun run) {
        return fence.write(run, () -> rankings(run.id(), run.data()));
    }

    /** The run's demonstrations, recorded as used by it (see {@link #recordUse}). */
    public Split<SftTrainer.Example> demonstrations(long runId, DataSelection data) {
        return transactions.execute(status -> {
            List<SftTrainer.Example> train = new ArrayList<>();
            List<SftTrainer.Example> validation = new ArrayList<>();
            List<Long> read = new ArrayList<>();
            jdbc.sql("""
                            SELECT d.id, p.text, demonstration_training_text(d), p.split, p.messages::text
                            FROM demonstration d
                            JOIN prompt p ON p.id = d.prompt_id JOIN app_user u ON u.id = d.labeler_id
                            WHERE demonstration_trainable(d, u) AND prompt_usable(p)
                              AND p.split IN ('TRAIN', 'VALID') AND p.dataset_id IN (:datasets)
                            ORDER BY d.id FOR SHARE OF d
                            """)
                    .param("datasets", datasets(data))
                    .query((rs, row) -> {
                        read.add(rs.getLong(1));
                        var example = example(rs.getString(2), rs.getString(5), rs.getString(3));
                        ("VALID".equals(rs.getString(4)) ? validation : train).add(example);
                        return null;
                    })
                    .list();
            recordUse("training_run_demonstration", "demonstration_id", runId, read);
            return heldOut(train, validation);
        });
    }

    /**
     * A prompt as the conversation it holds: a prompt imported as {@code messages} keeps its turns (rebuilt from the
     * current, scrubbed text with the original roles, as labeling-web's exports rebuild them) when they end with the
     * user turn to answer; a plain prompt, or one whose text no longer splits into its turns, is one user turn.
     */
    static List<ChatMessage> question(String text, String messages) {
        List<String> roles = new ArrayList<>();
        if (messages != null) {
            JSON.readTree(messages).forEach(m -> roles.add(m.path("role").asString()));
        }
        List<Map<String, String>> turns = ConversationText.split(text, roles);
        if (turns == null || !turns.get(turns.size() - 1).get("role").equals("user")) {
            return List.of(ChatMessage.user(text));
        }
        return turns.stream()
                .map(t -> new ChatMessage(t.get("role"), t.get("content")))
                .toList();
    }

    /** A demonstration: the labeler's answer to the prompt's conversation ({@link #question}). */
    static SftTrainer.Example example(String text, String messages, String response) {
        List<ChatMessage> question = question(text, messages);
        return new SftTrainer.Example(
                question.subList(0, question.size() - 1),
                question.get(question.size() - 1).content(),
                response);
    }

    /**
     * Records which labels the run read, in the transaction that read them under a share lock: a labeler may revise a
     * demonstration or ranking only while no run has read it (labeling-web's {@code RunUse} asks these tables after
     * locking the label row for update, so a revision and a run's read never interleave). A resumed run reads again
     * and adds what is new.
     */
    private void recordUse(String table, String column, long runId, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO " + table + " (" + column + ", run_id)"
                        + " SELECT x, :run FROM unnest(CAST(string_to_array(:ids, ',') AS bigint[])) x"
                        + " ON CONFLICT DO NOTHING")
                .param("run", runId)
                .param("ids", ids.stream().map(String::valueOf).collect(Collectors.joining(",")))
                .update();
    }

    /**
     * Every kept ranking, one example each: a prompt with K = 4..9 outputs ranked. Not-rankable rankings are left
     * out; ties stay in the ranking (the trainer drops tied pairs).
     */
    public Split<RewardTrainer.RankedExample> rankings(long runId, DataSelection data) {
        return transactions.execute(status -> rankingsRead(runId, data));
    }

    private Split<RewardTrainer.RankedExample> rankingsRead(long runId, DataSelection data) {
        record Entry(long ranking, String prompt, String messages, String split, String output, int rank) {}
        List<Entry> entries = jdbc.sql("""
                        SELECT r.id, p.text, p.messages::text, p.split, c.text, e.rank FROM ranking r
                        JOIN ranking_task t ON t.id = r.task_id JOIN prompt p ON p.id = t.prompt_id
                        JOIN app_user u ON u.id = r.labeler_id
                        JOIN ranking_entry e ON e.ranking_id = r.id JOIN ranking_candidate c ON c.id = e.candidate_id
                        WHERE ranking_trainable(r, u) AND e.rank IS NOT NULL
                          AND prompt_usable(p) AND p.split IN ('TRAIN', 'VALID') AND p.dataset_id IN (:datasets)
                          AND (r.feedback_source = 'HUMAN' OR :ai)
                          AND (:anyRound OR t.round_id IN (:rounds))
                        ORDER BY r.id, c.position FOR SHARE OF r
                        """)
                .param("datasets", datasets(data))
                .param("ai", data.includeAiFeedback())
                .param("anyRound", data.roundIds().isEmpty())
                .param("rounds", data.roundIds().isEmpty() ? List.of(-1L) : data.roundIds())
                .query((rs, row) -> new Entry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getInt(6)))
                .list();
        Map<Long, List<Entry>> byRanking = new LinkedHashMap<>();
        entries.forEach(e ->
                byRanking.computeIfAbsent(e.ranking(), k -> new ArrayList<>()).add(e));
        recordUse("training_run_ranking", "ranking_id", runId, new ArrayList<>(byRanking.keySet()));
        List<RewardTrainer.RankedExample> train = new ArrayList<>();
        List<RewardTrainer.RankedExample> validation = new ArrayList<>();
        for (List<Entry> ranking : byRanking.values()) {
            if (ranking.size() < RankedCandidates.MIN_CANDIDATES || ranking.size() > RankedCandidates.MAX_CANDIDATES) {
                continue; // only possible for hand-edited rows: the web app accepts 4..9
            }
            List<Long> ids = new ArrayList<>();
            List<Integer> ranks = new ArrayList<>();
            for (int i = 0; i < ranking.size(); i++) {
                ids.add((long) i);
                ranks.add(ranking.get(i).rank());
            }
            var example = new RewardTrainer.RankedExample(
                    question(ranking.get(0).prompt(), ranking.get(0).messages()),
                    ranking.stream().map(Entry::output).toList(),
                    RankedCandidates.of(ids, ranks));
            ("VALID".equals(ranking.get(0).split()) ? validation : train).add(example);
        }
        return heldOut(train, validation);
    }

    /**
     * The TRAIN prompts PPO samples from, each the conversation it holds ({@link #question}), in id order (the trainer
     * shuffles them with its seed).
     */
    public List<List<ChatMessage>> trainPrompts(DataSelection data) {
        return jdbc.sql("""
                        SELECT text, messages::text FROM prompt p
                        WHERE dataset_id IN (:datasets) AND split = 'TRAIN' AND prompt_usable(p)
                        ORDER BY id
                        """)
                .param("datasets", datasets(data))
                .query((rs, row) -> question(rs.getString(1), rs.getString(2)))
                .list();
    }

    private static List<Long> datasets(DataSelection data) {
        if (data.datasetIds().isEmpty()) {
            throw new RunFailure("The run selects no dataset");
        }
        return data.datasetIds();
    }

    /**
     * Without VALID labels, every tenth TRAIN example (at least one) validates; with fewer than two, nothing can. The
     * dashboard refuses runs this would leave without training or validation data by {@code LabelMinimum} in
     * shared-model; {@code LabelDataTest} checks the two agree.
     */
    static <T> Split<T> heldOut(List<T> train, List<T> validation) {
        if (!validation.isEmpty() || train.size() < 2) {
            return new Split<>(train, validation);
        }
        List<T> kept = new ArrayList<>();
        List<T> held = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            (i % 10 == 9 || (held.isEmpty() && i == train.size() - 1) ? held : kept).add(train.get(i));
        }
        return new Split<>(kept, held);
    }
}
