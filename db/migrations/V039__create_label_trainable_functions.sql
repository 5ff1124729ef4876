-- Which labels may be trained on and exported, written once for both services (as prompt_usable is for prompts,
-- V027): every reader (the training service's LabelData, the dashboard's run checks, the exports) asks these
-- instead of spelling out the status, review and exclusion conditions, so none of them can forget a rejection.
--
-- A label counts when its author's labels are not excluded by an admin and its review does not hold it back:
-- not picked for review, or accepted (or, for a demonstration, edited). A label awaiting review (PENDING) is held
-- until a reviewer passes it; a rejected one never counts. Plain one-expression SQL functions, inlined by
-- PostgreSQL into the calling query like prompt_usable.
CREATE FUNCTION demonstration_trainable(d demonstration, author app_user) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT d.status = 'SUBMITTED' AND NOT author.labels_excluded
       AND (d.review_status IS NULL OR d.review_status IN ('ACCEPTED', 'EDITED'))
$$;

-- What SFT trains on: the reviewer's edit when there is one, else what the labeler wrote.
CREATE FUNCTION demonstration_training_text(d demonstration) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT COALESCE(d.reviewed_text, d.text)
$$;

-- A ranking a reviewer rejected is left out of everything: reward-model data, every export, agreement figures.
CREATE FUNCTION ranking_rejected(r ranking) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT r.review_status IS NOT DISTINCT FROM 'REJECTED'
$$;

-- A ranking a reward model may learn from: it ranks its outputs, and it is neither held for review nor rejected.
CREATE FUNCTION ranking_trainable(r ranking, author app_user) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT NOT r.not_rankable AND NOT author.labels_excluded
       AND (r.review_status IS NULL OR r.review_status = 'ACCEPTED')
$$;
