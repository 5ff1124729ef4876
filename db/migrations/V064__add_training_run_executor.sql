-- Where a run trains: 'local' (the worker that claims it) or 'ray' (that worker submits it to a Ray cluster as an
-- OpenRLHF job through the Ray Jobs REST API and follows it). Existing runs were all local.
ALTER TABLE training_run
    ADD COLUMN executor VARCHAR(8) NOT NULL DEFAULT 'local' CHECK (executor IN ('local', 'ray'));
