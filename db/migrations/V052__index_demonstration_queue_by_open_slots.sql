-- The demonstration queue serves the prompt with the fewest labels done or in hand (done + leased), so that a claim
-- finds a prompt with a free slot at the front of the index. Ordered by done alone, every claim first walked past
-- the prompts already leased to their last slot (about one per labeler at work): ~110 rows a claim at 200 labelers,
-- 5 ms of the database's time each. Same partial condition as the index it replaces (V019).
CREATE INDEX prompt_demonstration_slots_idx ON prompt ((demonstrations_done + demonstrations_leased), id)
    WHERE status = 'ACTIVE' AND pii_status IN ('CLEAN', 'SCRUBBED') AND split IN ('TRAIN', 'VALID');

DROP INDEX prompt_demonstration_queue_idx;
