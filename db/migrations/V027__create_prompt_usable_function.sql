-- The privacy gate, written once for both services. A prompt may be shown to labelers, labelled, exported and
-- trained on only while it is ACTIVE (not a duplicate, over the per-user cap or retired) and its PII review is
-- done (CLEAN, or SCRUBBED by a reviewer). Every reader asks prompt_usable(p) instead of spelling the condition
-- out, so a reader that forgets the PII status (the reward-model data and candidate upload once did) cannot drift
-- from the others. Exports that list curated-out prompts too ask only prompt_pii_cleared(p).
--
-- Functions, not a view: PostgreSQL inlines these one-expression SQL functions into the calling query (the whole-row
-- argument becomes plain column references), so queue claims keep using the partial indexes of V019/V022 whose
-- predicates state the same rule, and a later migration may still alter prompt's columns (a view over prompt would
-- pin them).
CREATE FUNCTION prompt_pii_cleared(p prompt) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT p.pii_status IN ('CLEAN', 'SCRUBBED')
$$;

CREATE FUNCTION prompt_usable(p prompt) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT p.status = 'ACTIVE' AND prompt_pii_cleared(p)
$$;
