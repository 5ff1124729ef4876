-- What a labeler has entered on a ranking task but not yet submitted (ranks, Likert scores, metadata flags,
-- "not rankable" and its reason), saved by the page on every change so a reload or an expired session loses
-- nothing. A separate table, not a row of ranking: a ranking is complete or absent, and every reader of ranking
-- (exports, agreement, reward-model data) relies on that. Deleted when the ranking is submitted.
CREATE TABLE ranking_draft (
    task_id    BIGINT      NOT NULL REFERENCES ranking_task (id),
    labeler_id BIGINT      NOT NULL REFERENCES app_user (id),
    -- {"ranks": {"candidateId": "2"}, "likert": {...}, "flags": {"candidateId": ["HALLUCINATION"]},
    --  "notRankable": false, "reason": "..."}: the page's fields as entered.
    entered    JSONB       NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, labeler_id)
);
