-- What sizes a run, where the dashboard can read it (issue 17/20): each checkpoint's architecture and the numbers of
-- its config.json that the memory estimate needs (shared-model's ModelShape), filled by the training service when it
-- registers or imports a checkpoint, and by each worker at start-up for READY checkpoints registered before this
-- migration (it reads their config.json). Rows it cannot read stay NULL: the dashboard shows them as unknown.
ALTER TABLE model_checkpoint
    ADD COLUMN architecture       VARCHAR(32),
    ADD COLUMN parameter_count    BIGINT,
    ADD COLUMN hidden_size        INT,
    ADD COLUMN num_layers         INT,
    ADD COLUMN num_heads          INT,
    ADD COLUMN num_kv_heads       INT,
    ADD COLUMN head_dim           INT,
    ADD COLUMN intermediate_size  INT,
    ADD COLUMN vocab_size         INT,
    ADD COLUMN max_positions      INT,
    ADD COLUMN tied_embeddings    BOOLEAN;

-- Imported models recorded their architecture in their metrics already.
UPDATE model_checkpoint SET architecture = metrics ->> 'architecture' WHERE metrics ? 'architecture';

-- The dashboard's estimate of the run's memory (RunMemory's total, in bytes) when it was requested; a worker claims a
-- local run only when it fits its device. NULL (round runs, runs from before): any worker may take it.
ALTER TABLE training_run ADD COLUMN memory_estimate_bytes BIGINT;

-- Each training worker's device, so that the dashboard can refuse a run no worker can hold. A worker writes its row
-- when it starts and on every poll, and deletes it when it stops cleanly.
CREATE TABLE training_worker (
    worker_id     VARCHAR(200) PRIMARY KEY,
    device_kind   VARCHAR(8)   NOT NULL CHECK (device_kind IN ('CPU', 'GPU')),
    device_name   VARCHAR(200) NOT NULL,
    -- What runs may use on it: a GPU's memory, or the host memory left beside the JVM for a CPU.
    memory_bytes  BIGINT       NOT NULL CHECK (memory_bytes > 0),
    started_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    seen_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
