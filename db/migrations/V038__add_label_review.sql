-- The review of a submitted label, kept on the label's own row.
--
-- review_status: NULL = not picked for review; PENDING = picked (the dataset's review_percent, drawn at submit)
-- and held from training until reviewed; ACCEPTED; EDITED (demonstrations only: reviewed_text is the training
-- text, text keeps what the labeler wrote); REJECTED (with the reason the author sees; a rejected demonstration's
-- status becomes REJECTED too, so it no longer counts as a prompt's demonstration).
ALTER TABLE prompt_dataset ADD COLUMN review_percent SMALLINT NOT NULL DEFAULT 0
    CHECK (review_percent BETWEEN 0 AND 100);

ALTER TABLE demonstration
    ADD COLUMN review_status VARCHAR(16) CHECK (review_status IN ('PENDING', 'ACCEPTED', 'EDITED', 'REJECTED')),
    ADD COLUMN reviewed_text TEXT,
    ADD COLUMN review_reason TEXT,
    ADD COLUMN reviewer_id   BIGINT REFERENCES app_user (id),
    ADD COLUMN reviewed_at   TIMESTAMPTZ,
    ADD CONSTRAINT demonstration_edit_has_text CHECK ((review_status = 'EDITED') = (reviewed_text IS NOT NULL)),
    ADD CONSTRAINT demonstration_rejection_has_reason CHECK (review_status <> 'REJECTED' OR review_reason IS NOT NULL),
    ADD CONSTRAINT demonstration_rejected_when_reviewed CHECK ((status = 'REJECTED') = (review_status = 'REJECTED'));

ALTER TABLE ranking
    ADD COLUMN review_status VARCHAR(16) CHECK (review_status IN ('PENDING', 'ACCEPTED', 'REJECTED')),
    ADD COLUMN review_reason TEXT,
    ADD COLUMN reviewer_id   BIGINT REFERENCES app_user (id),
    ADD COLUMN reviewed_at   TIMESTAMPTZ,
    ADD CONSTRAINT ranking_rejection_has_reason CHECK (review_status <> 'REJECTED' OR review_reason IS NOT NULL);

-- The reviewers' queue looks for picked labels only.
CREATE INDEX demonstration_review_pending_idx ON demonstration (submitted_at) WHERE review_status = 'PENDING';
CREATE INDEX ranking_review_pending_idx ON ranking (submitted_at) WHERE review_status = 'PENDING';
