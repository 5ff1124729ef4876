-- The closed loop: runs that write next-round candidates and evaluation outputs, the rounds they fill, runs that
-- resume after their worker died, and the AI labeler whose rankings (RLAIF) stay marked as AI feedback.

-- CANDIDATES: the published policy writes K outputs per prompt of a RANKING round.
-- EVALUATION: two checkpoints answer the held-out prompts of an EVALUATION round (blind pairwise comparisons).
ALTER TABLE training_run DROP CONSTRAINT training_run_run_type_check;
ALTER TABLE training_run ADD CONSTRAINT training_run_run_type_check
    CHECK (run_type IN ('PRETRAIN', 'SFT', 'REWARD', 'PPO', 'CANDIDATES', 'EVALUATION'));

ALTER TABLE training_run
    -- A name the engineer gives the run; the output checkpoint is named after it.
    ADD COLUMN name           VARCHAR(200),
    -- CANDIDATES and EVALUATION runs fill this round.
    ADD COLUMN label_round_id BIGINT,
    -- Claims so far: a run whose worker died is queued again (and resumes from its last checkpoint) until
    -- it has been claimed max-attempts times, then it is marked FAILED.
    ADD COLUMN attempts       INT NOT NULL DEFAULT 0 CHECK (attempts >= 0);

ALTER TABLE label_round
    -- GENERATING while a run writes its tasks; OPEN for labelers; CLOSED by an engineer; FAILED when its run failed.
    ADD COLUMN status                 VARCHAR(16) NOT NULL DEFAULT 'OPEN'
        CHECK (status IN ('GENERATING', 'OPEN', 'CLOSED', 'FAILED')),
    -- Which prompts: the split they are sampled from and how many.
    ADD COLUMN split                  VARCHAR(8) CHECK (split IN ('TRAIN', 'VALID', 'TEST')),
    ADD COLUMN prompt_count           INT CHECK (prompt_count > 0),
    -- RANKING: K outputs per prompt.
    ADD COLUMN outputs_per_prompt     INT CHECK (outputs_per_prompt BETWEEN 2 AND 9),
    -- EVALUATION: policy_checkpoint_id is compared with this one.
    ADD COLUMN baseline_checkpoint_id BIGINT REFERENCES model_checkpoint (id),
    -- AI feedback: the reward model (or other judge checkpoint) that ranks the round instead of humans.
    ADD COLUMN judge_checkpoint_id    BIGINT REFERENCES model_checkpoint (id),
    ADD COLUMN labels_wanted          INT NOT NULL DEFAULT 1 CHECK (labels_wanted BETWEEN 1 AND 10),
    ADD COLUMN training_run_id        BIGINT REFERENCES training_run (id),
    ADD CONSTRAINT label_round_evaluation_has_two_models
        CHECK (kind <> 'EVALUATION' OR (policy_checkpoint_id IS NOT NULL AND baseline_checkpoint_id IS NOT NULL
                                        AND policy_checkpoint_id <> baseline_checkpoint_id)),
    ADD CONSTRAINT label_round_ai_feedback_has_judge
        CHECK (feedback_source = 'HUMAN' OR judge_checkpoint_id IS NOT NULL);

ALTER TABLE training_run
    ADD CONSTRAINT training_run_label_round_fk FOREIGN KEY (label_round_id) REFERENCES label_round (id);

-- Live leases and finished judgements counted on the comparison row, as V022 does for rankings.
ALTER TABLE comparison_task ADD COLUMN judgements_done   INT NOT NULL DEFAULT 0 CHECK (judgements_done >= 0);
ALTER TABLE comparison_task ADD COLUMN judgements_leased INT NOT NULL DEFAULT 0 CHECK (judgements_leased >= 0);
-- The sampling settings each side was written with.
ALTER TABLE comparison_task ADD COLUMN sampling JSONB NOT NULL DEFAULT '{}';
CREATE INDEX comparison_task_queue_idx ON comparison_task (status, id);

-- The AI labeler: rankings of AI-feedback rounds are written under this account with feedback_source = 'AI'.
-- It cannot sign in: the hash is no bcrypt hash, and the account is disabled.
INSERT INTO app_user (username, display_name, password_hash, enabled, disabled_reason)
VALUES ('ai-labeler', 'AI labeler (RLAIF)', '!no-login', FALSE, 'AI feedback: not a person, cannot sign in')
ON CONFLICT (username) DO NOTHING;
