-- Whether a labeler may still revise a submitted label, written once (as V039's *_trainable functions are): the
-- History page asks it to show "Revise", and a revision asks it again, under the label row's update lock, before
-- it changes anything. A label stops being revisable when
--   * a training run has read it (training_run_demonstration / training_run_ranking, V035): the run's result must
--     stay reproducible from what it read; or
--   * a reviewer has decided on it (accepted, edited or rejected, V038): the decision was about the text they
--     read. A label picked for review and still waiting (PENDING) may change; the reviewer sees the new version.
-- kind is 'DEMONSTRATION' or 'RANKING' (TaskKind's names); anything else, or an unknown id, is not revisable.
CREATE FUNCTION label_revisable(kind TEXT, label_id BIGINT) RETURNS BOOLEAN
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT CASE kind
           WHEN 'DEMONSTRATION' THEN
               EXISTS (SELECT 1 FROM demonstration d
                       WHERE d.id = label_id AND d.status = 'SUBMITTED'
                         AND coalesce(d.review_status, 'PENDING') = 'PENDING')
               AND NOT EXISTS (SELECT 1 FROM training_run_demonstration u WHERE u.demonstration_id = label_id)
           WHEN 'RANKING' THEN
               EXISTS (SELECT 1 FROM ranking r
                       WHERE r.id = label_id AND coalesce(r.review_status, 'PENDING') = 'PENDING')
               AND NOT EXISTS (SELECT 1 FROM training_run_ranking u WHERE u.ranking_id = label_id)
           ELSE FALSE
       END
$$;
