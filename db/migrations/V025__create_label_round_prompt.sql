-- The prompts a DEMONSTRATION round holds: fresh prompts (no submitted demonstration yet) chosen when an engineer
-- starts the round, so the round's size is fixed and the task queue can serve the round's prompts first.
CREATE TABLE label_round_prompt (
    round_id  BIGINT NOT NULL REFERENCES label_round (id) ON DELETE CASCADE,
    prompt_id BIGINT NOT NULL REFERENCES prompt (id),
    PRIMARY KEY (round_id, prompt_id)
);

-- The queue looks up "is this prompt in an open round" by prompt.
CREATE INDEX label_round_prompt_prompt_idx ON label_round_prompt (prompt_id);
