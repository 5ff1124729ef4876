-- The run page polls "points recorded since my last answer" every 2 s while a run goes: by run and time.
CREATE INDEX training_metric_live_idx ON training_metric (run_id, recorded_at);
