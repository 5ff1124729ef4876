-- The text of a prompt before scrubbing, kept only when its dataset says so. Admin-only: no export,
-- task or training query reads this table.
CREATE TABLE prompt_pii_original (
    prompt_id     BIGINT      PRIMARY KEY REFERENCES prompt (id) ON DELETE CASCADE,
    original_text TEXT        NOT NULL,
    scrubbed_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
