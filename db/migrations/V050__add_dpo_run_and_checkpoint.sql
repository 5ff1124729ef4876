-- DPO (Rafailov et al. 2023) as a run type: the policy fitted to the rankings directly, its start (SFT) checkpoint
-- the reference; it writes a policy checkpoint of kind DPO (reference_policy_id = the start, no reward model).
ALTER TABLE training_run DROP CONSTRAINT training_run_run_type_check;
ALTER TABLE training_run ADD CONSTRAINT training_run_run_type_check
    CHECK (run_type IN ('PRETRAIN', 'SFT', 'REWARD', 'PPO', 'DPO', 'CANDIDATES', 'EVALUATION'));

ALTER TABLE model_checkpoint DROP CONSTRAINT model_checkpoint_kind_check;
ALTER TABLE model_checkpoint ADD CONSTRAINT model_checkpoint_kind_check
    CHECK (kind IN ('BASE', 'SFT', 'REWARD', 'PPO', 'DPO'));
