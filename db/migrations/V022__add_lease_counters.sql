-- Live leases counted on the item row itself. The task queue locks the item row (FOR UPDATE SKIP LOCKED)
-- and bumps this counter when it leases it; because the condition "done + leased < wanted" then reads only
-- the locked row, PostgreSQL re-checks it on the newest row version, so two concurrent claims can never both
-- take the last slot (a count over task_assignment would be read from the older snapshot).
ALTER TABLE prompt ADD COLUMN demonstrations_leased INT NOT NULL DEFAULT 0 CHECK (demonstrations_leased >= 0);
ALTER TABLE ranking_task ADD COLUMN rankings_done INT NOT NULL DEFAULT 0 CHECK (rankings_done >= 0);
ALTER TABLE ranking_task ADD COLUMN rankings_leased INT NOT NULL DEFAULT 0 CHECK (rankings_leased >= 0);

UPDATE prompt p SET demonstrations_leased = (SELECT count(*) FROM task_assignment a
                                             WHERE a.prompt_id = p.id AND a.status = 'LEASED');
UPDATE ranking_task t SET rankings_done = (SELECT count(*) FROM ranking r WHERE r.task_id = t.id),
                          rankings_leased = (SELECT count(*) FROM task_assignment a
                                             WHERE a.ranking_task_id = t.id AND a.status = 'LEASED');

CREATE INDEX prompt_open_for_demonstration_idx ON prompt (id)
    WHERE status = 'ACTIVE' AND pii_status IN ('CLEAN', 'SCRUBBED') AND split IN ('TRAIN', 'VALID');
