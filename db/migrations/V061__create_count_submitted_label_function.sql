-- One submitted label counts towards its item, written once (as labels_wanted, V020): labeling-web's TaskQueue
-- calls it when a labeler submits, training-service's RoundJobs when the AI judge labels a task it just wrote.
--   * DEMONSTRATION: the prompt's demonstrations_done goes up; a prompt stays open for more demonstrations.
--   * RANKING / COMPARISON: the task's rankings_done / judgements_done goes up, and a task still OPEN that now has
--     all the labels it wants (labels_wanted) becomes COMPLETE, so the queue no longer hands it out.
-- kind is TaskKind's name; an unknown kind is an error rather than a label counted nowhere.
-- Returns the item's count of labels after this one.
CREATE FUNCTION count_submitted_label(task_kind TEXT, task_item BIGINT) RETURNS INT
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    labels INT;
BEGIN
    CASE task_kind
        WHEN 'DEMONSTRATION' THEN
            UPDATE prompt SET demonstrations_done = demonstrations_done + 1
            WHERE id = task_item RETURNING demonstrations_done INTO labels;
        WHEN 'RANKING' THEN
            UPDATE ranking_task
            SET rankings_done = rankings_done + 1,
                status = CASE WHEN status = 'OPEN' AND rankings_done + 1 >= labels_wanted
                                  THEN 'COMPLETE' ELSE status END
            WHERE id = task_item RETURNING rankings_done INTO labels;
        WHEN 'COMPARISON' THEN
            UPDATE comparison_task
            SET judgements_done = judgements_done + 1,
                status = CASE WHEN status = 'OPEN' AND judgements_done + 1 >= labels_wanted
                                  THEN 'COMPLETE' ELSE status END
            WHERE id = task_item RETURNING judgements_done INTO labels;
        ELSE
            RAISE EXCEPTION 'count_submitted_label: unknown task kind %', task_kind;
    END CASE;
    RETURN labels;
END
$$;
