-- Each labeler's task claims in the last minute, for the claim rate limit (labeling/ClaimRateLimiter). In PostgreSQL
-- rather than one JVM's memory so that a labeler spread over several labeling-web replicas meets one limit. One row
-- per labeler holding the times of their recent claims (at most the limit's worth): a single upsert prunes the old
-- times, checks the count and adds the new claim under the row's lock, so two replicas cannot both take the last slot.
CREATE TABLE claim_window (
    username   VARCHAR(64) PRIMARY KEY,
    claimed_at TIMESTAMPTZ[] NOT NULL
);
