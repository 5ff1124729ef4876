-- Which attempt of the run wrote each metric point and log line (training_run.attempts when it was written). Every
-- write a worker makes is fenced by the attempt it claimed, so a point or line of an attempt that had been taken
-- over never lands after the takeover; the stamp makes that visible (and checkable) beside the next attempt's rows.
-- Rows written before this column existed, and the recovering worker's notes, have none.
ALTER TABLE training_metric ADD COLUMN attempt INT;
ALTER TABLE training_run_log ADD COLUMN attempt INT;
