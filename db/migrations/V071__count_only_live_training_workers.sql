-- A worker that crashed leaves its training_worker row behind (only a clean stop deletes it), so the dashboard counted
-- a dead worker's device. A worker refreshes seen_at on every poll and, while busy with a run (when it does not
-- poll), with every heartbeat of that run; it records the stale limit it runs with (INSTRUCTFORGE_RUN_STALE_AFTER),
-- after which its runs are presumed dead too. The rule "a worker counts while it was seen within its stale limit"
-- lives here, once, for whoever counts devices.
ALTER TABLE training_worker
    ADD COLUMN stale_after_seconds INTEGER NOT NULL DEFAULT 60 CHECK (stale_after_seconds > 0);

CREATE VIEW live_training_worker AS
    SELECT worker_id, device_kind, device_name, memory_bytes, started_at, seen_at
    FROM training_worker
    WHERE seen_at > now() - make_interval(secs => stale_after_seconds);
