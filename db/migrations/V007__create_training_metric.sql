-- One metric value at one step of a run (loss, reward, KL, clip fraction, ...): the live curves.
CREATE TABLE training_metric (
    run_id      BIGINT           NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    name        VARCHAR(64)      NOT NULL,
    step        INT              NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    recorded_at TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, name, step)
);
