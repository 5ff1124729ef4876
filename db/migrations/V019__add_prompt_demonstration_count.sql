-- How many demonstrations a prompt has received, kept beside it so the task queue skips finished prompts
-- without counting demonstrations for every candidate prompt on every claim.
ALTER TABLE prompt ADD COLUMN demonstrations_done INT NOT NULL DEFAULT 0 CHECK (demonstrations_done >= 0);

CREATE INDEX prompt_demonstration_queue_idx ON prompt (demonstrations_done, id)
    WHERE status = 'ACTIVE' AND pii_status IN ('CLEAN', 'SCRUBBED') AND split IN ('TRAIN', 'VALID');
CREATE INDEX task_assignment_prompt_idx ON task_assignment (prompt_id) WHERE prompt_id IS NOT NULL;
CREATE INDEX task_assignment_ranking_idx ON task_assignment (ranking_task_id) WHERE ranking_task_id IS NOT NULL;
