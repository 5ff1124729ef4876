-- Failed sign-ins are limited per client address too (security/SignInThrottle): counting an address's failures in
-- the window, and pruning every row older than the window, each want an index of their own.
CREATE INDEX sign_in_failure_addr_time_idx ON sign_in_failure (client_addr, failed_at);
CREATE INDEX sign_in_failure_time_idx ON sign_in_failure (failed_at);
