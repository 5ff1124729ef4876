package org.instructforge.web.round;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.instructforge.shared.RunType;
import org.instructforge.shared.Split;
import org.instructforge.web.audit.AuditTrail;
import org.instructforge.web.checkpoint.Checkpoint;
import org.instructforge.web.checkpoint.CheckpointCatalog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Publishing a policy checkpoint as the "current policy" and starting the next ranking round from it: the loop's
 * step from a trained model back to labelers (InstructGPT: each new policy's outputs are ranked to train the next
 * reward model).
 */
@Service
class Publishing {

    /** What publishing did. */
    /** Serializable: handed to the next page as a flash attribute, kept in the session (Spring Session JDBC). */
    record Published(Checkpoint checkpoint, CreatedRound round) implements java.io.Serializable {}

    private final CheckpointCatalog checkpoints;
    private final LabelRounds rounds;
    private final JdbcClient jdbc;
    private final AuditTrail audit;

    Publishing(CheckpointCatalog checkpoints, LabelRounds rounds, JdbcClient jdbc, AuditTrail audit) {
        this.checkpoints = checkpoints;
        this.rounds = rounds;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** How the next round is named when the engineer gives no name. */
    static String roundWhat(Checkpoint checkpoint) {
        return "ranking " + checkpoint.name();
    }

    /**
     * Marks the checkpoint as the one current policy and, when the form asks for it, starts the next ranking round
     * with a QUEUED CANDIDATES run; all in one transaction, after every check passed.
     */
    @Transactional
    Published publish(long checkpointId, PublishForm form, String actor) {
        Checkpoint checkpoint = checkpoints.ready(checkpointId);
        Map<String, String> errors = new LinkedHashMap<>();
        if (!checkpoint.policy()) {
            errors.put(
                    "checkpoint",
                    "'" + checkpoint.name() + "' is a " + checkpoint.kind() + " checkpoint and cannot be published:"
                            + " only policies (BASE, SFT, PPO, DPO) answer prompts");
        }
        Optional<LabelRounds.Sampled> round = Optional.empty();
        if (form.nextRound()) {
            if (form.outputsPerPrompt() < 4 || form.outputsPerPrompt() > 9) {
                errors.put("outputsPerPrompt", "Outputs per prompt (K) must be between 4 and 9");
            }
            round = rounds.check(form, RunType.CANDIDATES, Split.TRAIN, roundWhat(checkpoint), errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRoundException(errors);
        }
        // One publish at a time: the unique index allows one current policy, and two publishes clearing the old
        // mark concurrently would each set their own.
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('model_checkpoint.current_policy'))")
                .query((rs, n) -> 1)
                .list();
        jdbc.sql("UPDATE model_checkpoint SET is_current_policy = FALSE WHERE is_current_policy AND id <> :id")
                .param("id", checkpointId)
                .update();
        jdbc.sql("UPDATE model_checkpoint SET is_current_policy = TRUE, published_at = now() WHERE id = :id")
                .param("id", checkpointId)
                .update();
        audit.record(actor, "checkpoint.published", "model_checkpoint", checkpointId, "name", checkpoint.name());
        CreatedRound created = round.map(
                        r -> rounds.start("RANKING", r, checkpointId, null, form.outputsPerPrompt(), actor))
                .orElse(null);
        return new Published(checkpoints.ready(checkpointId), created);
    }
}
