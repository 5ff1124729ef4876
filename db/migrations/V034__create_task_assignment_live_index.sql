-- A labeler's live leases, looked up on every "next task" (which hands a held task back before leasing a new
-- one), on the home page and on "My tasks": only LEASED rows are indexed, so the index stays as small as the
-- number of tasks in hand, however many a labeler has finished.
CREATE INDEX task_assignment_live_by_labeler_idx ON task_assignment (labeler_id, task_kind, leased_at)
    WHERE status = 'LEASED';
